from django.apps import AppConfig


class DatasetConfig(AppConfig):
    """The data as a whole, above every content app: export and import of the published
    dataset, the demo and synthetic data, and the data checks (with their commands)."""

    name = "notorious.dataset"
    verbose_name = "Dataset"
