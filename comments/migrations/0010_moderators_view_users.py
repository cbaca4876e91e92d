"""Moderators may view readers' accounts (a comment's page links to its author's),
never change or delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from django.apps import apps as global_apps


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("auth"), verbosity=0, using=db, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_user = Permission.objects.using(db).get(
        content_type__app_label="auth", content_type__model="user", codename="view_user"
    )
    for group in Group.objects.using(db).filter(name="Moderators"):
        group.permissions.add(view_user)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(schema_editor.connection.alias).filter(name="Moderators"):
        group.permissions.remove(*group.permissions.filter(codename="view_user"))


class Migration(migrations.Migration):
    dependencies = [("comments", "0009_visible_orderings")]

    operations = [migrations.RunPython(grant, revoke)]
