"""Admin pages that belong to no single model: the data checks."""

from django.contrib import admin
from django.views.generic import TemplateView

from notorious.dataset.data_checks import find_problems


class DataChecksView(TemplateView):
    """What `manage.py check_data` lists, for editors, with links to fix each problem.

    Mounted at /admin/data-checks/ behind `admin.site.admin_view` (staff only).
    """

    template_name = "admin/data_checks.html"

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
