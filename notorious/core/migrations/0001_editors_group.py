from django.db import migrations

from notorious.core.editors import sync_editors_group


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("companies", "0001_initial"),
        ("markets", "0001_initial"),
        ("reports", "0001_initial"),
        ("press", "0001_initial"),
        ("figures", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_editors_group, migrations.RunPython.noop)]
