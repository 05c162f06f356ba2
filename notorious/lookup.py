"""`/lookup/<kind>/?q=…`: the suggestions a filter form's name box offers as the reader types
(`static/js/lookup.js`, `core.filters.LookupInput`).

At most `LOOKUP_LIMIT` published entries whose name, alias or slug contains what was typed,
those whose name starts with it first, then by name. JSON, so the box can show names and
submit slugs: `{"results": [{"value": slug, "label": name}, …], "more": true|false}`.
Every suggestion is also reachable without the script: the box takes a name or a slug, and
the list pages list every entry. Rate-limited like search (`core.rate_limits`, group
"lookup"), and cached like any public page.
"""

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from notorious.companies.models import Company
from notorious.markets.models import Market
from notorious.search import contains_ignoring_case
from notorious.search_text import clean_query

# The kinds a name box can look up: the lists that grow with the data.
KINDS = {"companies": Company, "markets": Market}
LOOKUP_LIMIT = 20
# What typed text is read: enough for any name, bounded for the query's sake.
MAX_TYPED = 100


def suggestions(model, typed):
    """The published `model` entries matching `typed` (see the module's docstring), and
    whether there are more than LOOKUP_LIMIT."""
    typed = " ".join(typed.split())[:MAX_TYPED]
    if not typed:
        return [], False
    matches = (
        model.objects.published()
        .filter(
            contains_ignoring_case("name", typed)
            | contains_ignoring_case("aliases", typed)
            | Q(slug__startswith=typed.lower())
        )
        .annotate(
            rank=Case(
                When(name__istartswith=typed, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name")
        .values_list("slug", "name")[: LOOKUP_LIMIT + 1]
    )
    found = [{"value": slug, "label": name} for slug, name in matches]
    return found[:LOOKUP_LIMIT], len(found) > LOOKUP_LIMIT


@require_safe
def lookup(request, kind):
    """The suggestions for `?q=` among the published entries of `kind` ("companies",
    "markets"), as JSON; a 404 for any other kind."""
    model = KINDS.get(kind)
    if model is None:
        raise Http404("No such list to look up.")
    typed, _problem = clean_query(request.GET.get("q", "")[: MAX_TYPED * 4])
    found, more = suggestions(model, typed)
    response = JsonResponse({"results": found, "more": more})
    patch_cache_control(response, public=True, max_age=60)
    return response
