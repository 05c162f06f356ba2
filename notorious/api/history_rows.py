"""The API's markets built in one pass (`market_plan`) rather than field by field, and what
their fields and the listings' statuses read of a market's history (`market_history`).

A page of 50 markets went through DRF's per-field machinery (attribute lookup, method
fields, a URL reversal per row for each address, a nested serializer per timeline cell)
about 1,200 times: most of the API list's time at 10,000 markets. The values are the
same: each field's own `to_representation` still converts plain values, the addresses
follow `serializers.slug_addresses`, and tests/test_api.py checks the two agree byte for
byte.
"""

from notorious.markets.history import LISTED, NOT_LISTED
from notorious.markets.models import Market

from .serializers import plain_reader, slug_addresses


def market_plan(serializer):
    """(field name, how to read it from a market and its history) for each readable field
    of a `MarketSerializer`, in its `Meta.fields` order."""
    cells = {}  # each kind of timeline cell, built once (see `timeline_cells`)
    readers = {
        "listed_in": lambda market, history: list(history.listed_years),
        "first_entered_year": lambda market, history: history.first_year,
        "first_listed_confirmed": lambda market, history: history.first_confirmed,
        "years_listed": lambda market, history: history.years_listed,
        "current_run": lambda market, history: history.current_run,
        "latest_state": lambda market, history: history.latest_state,
        "in_latest_edition": lambda market, history: latest_edition_answer(history),
        "timeline": lambda market, history: timeline_cells(history, cells),
        **slug_addresses(serializer, Market, ["api_url", "page_url"]),
    }
    return [
        (name, readers.get(name) or plain_reader(field))
        for name, field in serializer.fields.items()
        if not field.write_only
    ]


def market_history(market, context):
    """The market's listing history against the context's `edition_record`, computed once
    per market and request (a market's fields and its listings' statuses all read it)."""
    if not hasattr(market, "_api_history"):
        market._api_history = market.listing_history(context["edition_record"])
    return market._api_history


def latest_edition_answer(history):
    """Whether the market is in the latest edition: True, False only when that edition's
    section is complete, None when it is not known (or there is no edition)."""
    state = history.latest_state
    if state == LISTED:
        return True
    return False if state == NOT_LISTED else None


def timeline_cell(cell):
    """What `TimelineCellSerializer` gives for `cell`, built directly: a page of 50 markets
    has about 1,200 cells, and a nested serializer per cell was a third of the API list's
    time (tests/test_api.py checks the two agree)."""
    listed = cell.listed
    return {
        "year": cell.year,
        "state": cell.state,
        "status": cell.status if listed else None,
        "confirmed": cell.confirmed if listed else None,
        "label": cell.label,
    }


def timeline_cells(history, cells):
    """`timeline_cell` of each of the history's cells, each kind of cell built once per
    request: a cell follows from its year, the market's section and its listing's status
    there (the edition record being the request's), so 50 markets share most of theirs."""
    statuses, section = history.statuses, history.section
    timeline = []
    for year in history.record.span:
        key = (year, section, statuses.get(year))
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = timeline_cell(history.cell_in(year))
        # Shared, not copied: the rows are only rendered (a page of 50 has 1,200 cells).
        timeline.append(cell)
    return timeline
