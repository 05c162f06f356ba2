from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

from notorious.core.page_cache import bump_generation


class CoreConfig(AppConfig):
    name = "notorious.core"
    verbose_name = "Site"

    def ready(self):
        # Any change to content makes every cached page stale (see page_cache.py).
        for name, signal in (
            ("post_save", post_save),
            ("post_delete", post_delete),
            ("m2m_changed", m2m_changed),
        ):
            signal.connect(bump_generation, dispatch_uid=f"page-cache-{name}")
