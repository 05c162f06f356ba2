"""The Editors group: exactly the permissions needed to manage content, none over users.

Edit history needs nothing more: seeing an entry's history and reverting it follow the
rights over the entry (view / change), and recovering a deleted entry needs the right to
add one (settings.SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS is off). The historical
tables' own permissions are for administrators only, and nobody edits history directly: the
historical models have no admin pages.
"""

EDITORS_GROUP = "Editors"

# (app label, model) pairs editors may add, change, delete and view.
CONTENT_MODELS = [
    ("companies", "company"),
    ("markets", "market"),
    ("reports", "report"),
    ("reports", "listing"),
    ("press", "outlet"),
    ("press", "article"),
    ("figures", "figure"),
]
ACTIONS = ("add", "change", "delete", "view")


def sync_editors_group(apps, schema_editor=None):
    """Create or update the Editors group. Written for data migrations (takes `apps`)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations finish; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for app_label, model in CONTENT_MODELS
        for action in ACTIONS
    ]
    group.permissions.set(wanted)
