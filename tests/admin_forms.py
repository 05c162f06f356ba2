"""Helpers for tests that fill in admin forms as an editor's browser would."""

import datetime

from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import Client, RequestFactory
from django.urls import reverse

from notorious.core.editors import ACTIONS, CONTENT_MODELS, EDITORS_GROUP


def editors_group():
    """The Editors group as its data migration makes it. A transactional test run earlier
    in the same process flushes the database, which brings permissions back but not
    groups; so make sure it is there."""
    group, created = Group.objects.get_or_create(name=EDITORS_GROUP)
    if created:
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            for app_label, model in CONTENT_MODELS
            for action in ACTIONS
        )
    return group


def make_editor(username):
    """A staff account in the Editors group, and a client logged in as it."""
    user = User.objects.create_user(username, f"{username}@example.org", "correct-horse-battery")
    user.is_staff = True
    user.save()
    user.groups.add(editors_group())
    client = Client()
    client.force_login(user)
    return user, client


def admin_url(model_or_obj, view, *args):
    opts = model_or_obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _post_value(bound_field):
    value = bound_field.value()
    if isinstance(value, bool):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _add_form(data, form):
    for bound_field in form:
        value = _post_value(bound_field)
        if value is not None:
            data[bound_field.html_name] = value


def form_data(response):
    """The POST data of the admin form a page shows, left as it is: the main form, the
    hidden fields included, and every inline row."""
    context = response.context
    data = {}
    _add_form(data, context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def admin_form_errors(model, user, data):
    """What the admin's own form for a new `model` entry says of `data`, with only the
    fields `data` names, as {field: [messages]}: empty when the admin would save it."""
    request = RequestFactory().post("/")
    request.user = user
    form = admin.site._registry[model].get_form(request, fields=list(data))(data)
    return {} if form.is_valid() else {field: list(errors) for field, errors in form.errors.items()}
