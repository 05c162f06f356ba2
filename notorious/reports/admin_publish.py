"""The admin's "Publish this edition" and "Unpublish this edition" pages.

Each is a confirmation page (GET) and the change itself (POST, CSRF-protected like every
admin form). Publishing lists exactly what will become public and what readers will be told
of an incomplete edition; unpublishing lists what readers lose. Both need the right to
change editions, and publishing also the right to change each kind of entry it publishes:
without one, the page says which and nothing is done. See `publishing.py` for the rules.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst

from .models import Report
from .publishing import Loss, PublishPlan, edition_name, plan_changed_message

# How many of each kind of entry a publishing page lists; it says how many there are in all
# and links to the admin's list of them.
SHOWN = 50


def publishing_urls(model_admin):
    """URL patterns to add to the ReportAdmin's own (see `ReportAdmin.get_urls`)."""
    pages = PublishingPages(model_admin)
    wrap = model_admin.admin_site.admin_view
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    return [
        path("<int:object_id>/publish/", wrap(pages.publish), name=f"{prefix}_publish"),
        path("<int:object_id>/unpublish/", wrap(pages.unpublish), name=f"{prefix}_unpublish"),
    ]


def publish_url(report):
    return reverse("admin:reports_report_publish", args=[report.pk])


def unpublish_url(report):
    return reverse("admin:reports_report_unpublish", args=[report.pk])


class PublishingPages:
    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _report(self, request, object_id):
        report = get_object_or_404(Report, pk=object_id)
        if not self.model_admin.has_change_permission(request, report):
            raise PermissionDenied
        return report

    def publish(self, request, object_id):
        report = self._report(request, object_id)
        plan = PublishPlan.of(report)
        context = {"plan": plan, "missing": plan.missing_permissions(request.user)}
        if request.method != "POST":
            return self._render(request, report, "publish", context)
        with transaction.atomic():
            # Read again under lock: what is published is what the editor confirmed.
            report = Report.objects.select_for_update().get(pk=report.pk)
            plan = PublishPlan.of(report)
            context = {"plan": plan, "missing": plan.missing_permissions(request.user)}
            if context["missing"]:
                return self._render(request, report, "publish", context, status=403)
            if plan.fingerprint != request.POST.get("fingerprint"):
                context["changed"] = plan_changed_message()
                return self._render(request, report, "publish", context, status=409)
            summary = _published_log(plan)
            plan.apply(request.user)
            if not plan.is_empty:
                self.model_admin.log_change(request, report, f"Published {summary}")
        self._report_published(request, report, plan, summary)
        return redirect(reverse("admin:reports_report_change", args=[report.pk]))

    def _report_published(self, request, report, plan, summary):
        if plan.is_empty:
            messages.info(
                request, f"Nothing to publish: {edition_name(report)} and all it needs were public."
            )
            return
        messages.success(request, f"Published {summary}")
        for warning in plan.warnings():
            messages.warning(request, warning)

    def unpublish(self, request, object_id):
        report = self._report(request, object_id)
        if request.method != "POST":
            return self._render(request, report, "unpublish", {"loss": Loss.of(report)})
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report.pk)
            changed = report.is_published
            if changed:
                report.is_published = False
                report._history_user = request.user
                report._change_reason = "Unpublished (made a draft)"
                report.save(update_fields=["is_published", "updated_at"])
                self.model_admin.log_change(request, report, "Unpublished (made a draft).")
        if changed:
            messages.success(
                request,
                f"{capfirst(edition_name(report))} is a draft again: readers no longer see "
                "it or its listings. Its listings, markets and companies keep their state.",
            )
        else:
            messages.info(request, f"Nothing to do: {edition_name(report)} was a draft already.")
        return redirect(reverse("admin:reports_report_change", args=[report.pk]))

    def _render(self, request, report, action, context, status=200):
        admin_site = self.model_admin.admin_site
        verb = "Publish" if action == "publish" else "Unpublish"
        context = {
            **admin_site.each_context(request),
            "opts": Report._meta,
            "original": report,
            "name": edition_name(report),
            "title": f"{verb} {edition_name(report)}",
            "change_url": reverse("admin:reports_report_change", args=[report.pk]),
            "shown": SHOWN,
            "shown_slice": f":{SHOWN}",
            **_list_urls(report, drafts=action == "publish"),
            **context,
        }
        template = f"admin/reports/report/{action}.html"
        return TemplateResponse(request, template, context, status=status)


def _list_urls(report, drafts):
    """The admin's lists of the edition's listings (drafts, to publish; or published, to
    lose) and of the draft markets it names."""
    published = "0" if drafts else "1"
    listings = reverse("admin:reports_listing_changelist")
    markets = reverse("admin:markets_market_changelist")
    return {
        "listings_url": f"{listings}?year={report.year}&is_published__exact={published}",
        "markets_url": f"{markets}?listed_in={report.year}&is_published__exact=0",
    }


def _published_log(plan):
    """What the plan publishes, e.g. 'The 2021 edition, 5 listings, 3 markets and 2
    companies.'"""
    parts = [edition_name(plan.report)] if plan.edition_is_draft else []
    for items, one, many in (
        (plan.listings, "listing", "listings"),
        (plan.markets, "market", "markets"),
        (plan.companies, "company", "companies"),
    ):
        if items:
            parts.append(f"{len(items)} {one if len(items) == 1 else many}")
    if len(parts) > 1:
        return f"{', '.join(parts[:-1])} and {parts[-1]}."
    return f"{parts[0]}." if parts else "nothing."
