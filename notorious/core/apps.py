from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    """The site's shared pieces. Cached pages need no signal to go stale: PostgreSQL bumps
    the content generation itself (notorious/core/generation.py)."""

    name = "notorious.core"
    verbose_name = "Site"

    def ready(self):
        from .planner import set_planner_costs
        from .prepared import choose_binding

        connection_created.connect(set_planner_costs, dispatch_uid="notorious-planner-costs")
        connection_created.connect(choose_binding, dispatch_uid="notorious-binding")
