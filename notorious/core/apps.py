from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "notorious.core"
    verbose_name = "Site"
