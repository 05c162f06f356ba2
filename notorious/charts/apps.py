from django.apps import AppConfig


class ChartsConfig(AppConfig):
    """Charts of the record (no models): figures read from the other apps, drawn as SVG and
    PNG, with a data table beside each on the page."""

    name = "notorious.charts"
