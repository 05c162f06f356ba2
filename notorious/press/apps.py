from django.apps import AppConfig


class PressConfig(AppConfig):
    name = "notorious.press"
    verbose_name = "Press coverage"
