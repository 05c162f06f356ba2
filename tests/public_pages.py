"""Every kind of public page, on the demo data (`load_demo`): the address of one of each, for
the checks that must hold on all of them (valid HTML in test_html_validity.py, no
accessibility violation in test_accessibility.py).

A new kind of page belongs here. The downloads (`?format=csv`, `?format=json`) are not HTML;
their links are on the list pages below.
"""

from io import StringIO

from django.core.management import call_command

from notorious.markets.models import Market

from .factories import make_correction

# (what the page is, its address, the status it answers with)
PUBLIC_PAGES = [
    ("home", "/", 200),
    ("markets list", "/markets/", 200),
    ("markets list, filtered", "/markets/?kind=online&sort=-years_listed", 200),
    ("markets list, a filter it cannot read", "/markets/?kind=banana", 400),
    ("markets list, an unknown company", "/markets/?company=nobody", 400),
    ("market profile", "/markets/aliexpress/", 200),
    ("market profile with aliases", "/markets/wechat/", 200),
    ("companies list", "/companies/", 200),
    ("company", "/companies/alibaba-group/", 200),
    ("market's embedded card", "/markets/aliexpress/embed/", 200),
    ("company's embedded card", "/companies/alibaba-group/embed/", 200),
    ("reports list", "/reports/", 200),
    ("edition", "/reports/2021/", 200),
    ("edition's changes", "/reports/2021/changes/", 200),
    ("compare", "/compare/?from=2019&to=2021", 200),
    ("compare, years the wrong way round", "/compare/?from=2021&to=2019", 400),
    ("timeline", "/timeline/", 200),
    ("timeline, filtered", "/timeline/?company=alibaba-group", 200),
    ("timeline, an unknown market", "/timeline/?market=nowhere", 400),
    ("every event", "/timeline/events/", 200),
    ("every event, filtered", "/timeline/events/?company=alibaba-group", 200),
    ("coverage list", "/coverage/", 200),
    ("coverage list, a bad date", "/coverage/?since=someday", 400),
    ("article", "/coverage/us-accuses-owners-of-aliexpress-and-wechat/", 200),
    ("outlets list", "/coverage/outlets/", 200),
    ("outlet", "/coverage/outlets/da-ji-yuan/", 200),
    ("search with results", "/search/?q=alibaba", 200),
    ("search with none", "/search/?q=zzyzx", 200),
    ("search, nothing asked", "/search/", 200),
    ("figure", "/figures/us-cost-of-global-counterfeiting/", 200),
    ("charts", "/charts/", 200),
    ("grid", "/grid/", 200),
    ("grid, filtered and sorted", "/grid/?company=alibaba-group&sort=-years_listed", 200),
    ("corrections", "/corrections/", 200),
    ("corrections, a page past the end", "/corrections/?page=9", 400),
    ("not found", "/no-such-page/", 404),
]


def load_demo():
    """The demo's entries: every page above has something to show. With a correction of a
    market and of one of its listings, so the corrections log and the market's and its
    edition's corrections are checked too."""
    call_command("load_demo", stdout=StringIO())
    market = Market.objects.get(slug="aliexpress")
    make_correction(market, "Its operator had been entered as Alibaba Group itself.")
    make_correction(market.listings.get(report__year=2021), "Its section had been wrong.")
