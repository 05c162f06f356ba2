from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site's shared pieces. Cached pages need no signal to go stale: PostgreSQL bumps
    the content generation itself (notorious/core/generation.py)."""

    name = "notorious.core"
    verbose_name = "Site"
