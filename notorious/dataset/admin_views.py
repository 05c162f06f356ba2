"""Admin pages that belong to no single model: the data checks."""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from notorious.core.editors import CONTENT_MODELS
from notorious.core.models import may_preview_drafts
from notorious.dataset.data_checks import find_problems


def content_models():
    """The models whose entries editors manage (see notorious/core/editors.py)."""
    return [apps.get_model(app_label, model) for app_label, model in CONTENT_MODELS]


class DataChecksView(TemplateView):
    """What `manage.py check_data` lists, for editors, with links to fix each problem.

    Mounted at /admin/data-checks/ behind `admin.site.admin_view` (staff only), and only
    for staff who may preview the drafts of every content model (Editors, administrators).
    """

    template_name = "admin/data_checks.html"

    def dispatch(self, request, *args, **kwargs):
        # The problems name drafts of every content model: only for those who may see them.
        if not all(may_preview_drafts(request.user, model) for model in content_models()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        groups = {}
        problems = find_problems()
        for problem in problems:
            groups.setdefault(problem.check, []).append(problem)
        return {
            **super().get_context_data(**kwargs),
            **admin.site.each_context(self.request),
            "title": "Data checks",
            "problems": problems,
            "groups": groups,
        }
