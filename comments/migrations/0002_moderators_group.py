"""The "Moderators" group: staff who moderate without being superusers.

Exactly what the desk needs: view and change comments, moderate them, read
readers' reports, and view articles and change their comment settings (the
article admin keeps every other article field read-only for non-superusers).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("comments", "comment", "view_comment"),
    ("comments", "comment", "change_comment"),
    ("comments", "comment", "moderate_comment"),
    ("comments", "report", "view_report"),
    ("articles", "article", "view_article"),
    ("articles", "article", "change_article"),
]


def create_moderators(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally made after all migrations (post_migrate); make
    # them now so a fresh database gets the group complete.
    for app_label in sorted({app_label for app_label, __, __ in PERMISSIONS}):
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=db, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, __ = Group.objects.using(db).get_or_create(name=GROUP)
    group.permissions.set(
        [
            Permission.objects.using(db).get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
            for app_label, model, codename in PERMISSIONS
        ]
    )


def delete_moderators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, delete_moderators)]
