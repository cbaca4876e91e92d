from django.db import migrations, models


def imported_dates_unknown(apps, schema_editor):
    # Every article imported so far came from a seed file, which has no date.
    Article = apps.get_model("articles", "Article")
    Article.objects.using(schema_editor.connection.alias).filter(
        source_name__isnull=False
    ).update(date_unknown=True)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_reactions_epoch"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="date_unknown",
            field=models.BooleanField(
                default=False,
                help_text="Imported from a source that gave no date: “created” is the import's.",
                verbose_name="date unknown",
            ),
        ),
        migrations.RunPython(imported_dates_unknown, migrations.RunPython.noop),
    ]
