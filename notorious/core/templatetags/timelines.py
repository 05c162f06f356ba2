"""`{% load timelines %}`: a market's listing history as a strip, a status tag, a first listing.

`{% timeline_strip history label %}` draws a `markets.history.ListingHistory` as a compact
strip for tables and results; `{% timeline_full cells label %}` the full timeline of a
market's profile; `{% status_tag cell %}` shows a listed `Cell`'s status; and
`{% first_listed history %}` says a market's first listing for a table cell.

They are written in Python rather than as included templates because a page draws many of
them: 50 search results of 24 years each are 1,200 cells, and an include with a dozen
lookups a cell was most of the page's time. A cell's markup depends only on the cell (a
frozen dataclass), so each distinct cell is rendered once per process and then reused.
The words are those of the history's rules (`Cell.label`); nothing is decided here.
"""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# A strip cell's letter for a year the market is not listed in, by the cell's state.
# Letters and borders, not colour alone, carry the state (see timeline_legend.html).
UNLISTED_MARKS = {"not_listed": "–", "not_entered": "?"}
NO_EDITION_MARK = "/"


def cell_words(cell):
    """What a cell says in words, for its title and for screen readers: "listed, new"."""
    return f"listed, {cell.label.lower()}" if cell.listed else cell.label.lower()


def cell_classes(cell, prefix):
    """The cell's CSS classes after the base one: its state, and for a listing its status
    and whether that status is confirmed (`prefix` is "strip-cell" or "cell")."""
    if cell.listed:
        unconfirmed = "" if cell.confirmed else f" {prefix}--unconfirmed"
        return f"{prefix}--listed {prefix}--{cell.status}{unconfirmed}"
    if cell.state in UNLISTED_MARKS:
        return f"{prefix}--{cell.state.replace('_', '-')}"
    return f"{prefix}--no-edition"


def cell_mark(cell):
    """A strip cell's letter: its status's initial when listed, else its state's mark."""
    return cell.label[0].upper() if cell.listed else UNLISTED_MARKS.get(cell.state, NO_EDITION_MARK)


@lru_cache(maxsize=4096)
def strip_cell(cell):
    """One year of a strip: the year's last two digits and a letter, shown; the year and
    its words, for the title and for screen readers."""
    mark = cell_mark(cell)
    said = escape(f"{cell.year}: {cell_words(cell)}")
    return (
        f'<li class="strip-cell {cell_classes(cell, "strip-cell")}" title="{said}">'
        f'<span aria-hidden="true"><span class="strip-year">{str(cell.year)[2:]}</span>'
        f'<span class="strip-mark">{escape(mark)}</span></span> '
        f'<span class="visually-hidden">{said}</span></li>'
    )


@lru_cache(maxsize=4096)
def grid_cell(cell):
    """One year of a grid row: the strip's letter in the strip's border, shown; the year
    and its words for screen readers. Leaner than a strip cell (no title, no digits: the
    column names the year), since a page of the grid has a thousand of them."""
    return (
        f'<td class="grid-cell"><span class="strip-cell {cell_classes(cell, "strip-cell")}" '
        f'aria-hidden="true">{escape(cell_mark(cell))}</span>'
        f'<span class="visually-hidden">{cell.year}: {escape(cell_words(cell))}</span></td>'
    )


@register.simple_tag
def timeline_strip(history, label="Listing timeline"):
    """A compact strip for tables: one cell per year from the first edition on record to
    the latest, in an ordered list named by `label`. The legend is timeline_legend.html."""
    cells = "".join(strip_cell(cell) for cell in history.cells())
    return mark_safe(f'<ol class="strip" aria-label="{escape(label)}">{cells}</ol>')


@register.simple_tag
def grid_cells(history):
    """A row of the grid (`/grid/`): one table cell per year of the record, each holding
    the strip's letter, border and words for that year (`grid_cell`)."""
    return mark_safe("".join(grid_cell(cell) for cell in history.cells()))


@lru_cache(maxsize=4096)
def full_cell(cell, has_edition):
    """One year of a profile's full timeline: the year (linked to its edition when there is
    one on record), its state in words and, for a listing, its status."""
    year = (
        format_html(
            '<a class="cell-year" href="{}">{}</a>',
            reverse("reports:detail", kwargs={"year": cell.year}),
            cell.year,
        )
        if has_edition
        else format_html('<span class="cell-year">{}</span>', cell.year)
    )
    state = "Listed" if cell.listed else cell.label
    status = ""
    if cell.listed:
        said = "Status not known" if cell.status == "listed" else cell.label
        status = f' <span class="cell-status">{escape(said)}</span>'
    return (
        f'<li class="cell {cell_classes(cell, "cell")}">{year} '
        f'<span class="cell-state">{escape(state)}</span>{status}</li>'
    )


@register.simple_tag
def timeline_full(cells, label=""):
    """A profile's full timeline: one cell per year from the first edition on record to the
    latest, each a (Cell, its Report or None) pair; a year with no edition on record is not
    linked. Readable without colour: every cell says what it is in words, and each state
    has its own border. The legend is timeline_legend.html."""
    items = "".join(full_cell(cell, report is not None) for cell, report in cells)
    return format_html(
        '<ol class="timeline" aria-label="{}">{}</ol>',
        label or "Listing timeline",
        mark_safe(items),
    )


@lru_cache(maxsize=64)
def _status_tag(status, confirmed, label):
    unconfirmed = "" if confirmed else " tag--unconfirmed"
    if confirmed:
        title = ""
    elif status == "new":
        title = ' title="Earlier editions are incomplete: it may have been named before"'
    else:
        title = (
            ' title="The edition before is incomplete or not on record: continuing or '
            'returning is not known"'
        )
    return f'<span class="tag tag--{status}{unconfirmed}"{title}>{escape(label)}</span>'


@register.simple_tag
def status_tag(cell):
    """A listing's status in one edition, for a listed `cell`. "First entered" and
    "Listed" say what is known when new, continuing or returning is not."""
    # The tag does not depend on the year: render it once per status.
    return mark_safe(_status_tag(cell.status, cell.confirmed, cell.label))


@lru_cache(maxsize=256)
def _first_listed(year, confirmed):
    link = format_html(
        '<a href="{}" title="The {} review">{}</a>',
        reverse("reports:detail", kwargs={"year": year}),
        year,
        year,
    )
    if confirmed:
        return link
    return format_html(
        '<span class="qualified">first entered: {}; earlier editions are incomplete</span>',
        link,
    )


@register.simple_tag
def first_listed(history):
    """A market's first listing, for a table cell. The year is called its first listing
    only as a fact; otherwise it is the first entered."""
    year = history.first_year
    if year:
        return _first_listed(year, history.first_confirmed)
    if history.complete_count:
        return mark_safe('<span class="muted">never</span>')
    return mark_safe('<span class="muted">none entered</span>')


@register.simple_tag
def listing_summary(history):
    """A market's listings in one sentence, for a search result: how many editions name it
    (at least that many while the count is not known complete), its first listing (as a
    fact, or the first entered), and the latest edition; or that none is entered. In
    Python: a page of results read the history's properties a dozen times a market."""
    first = history.first_year
    if not first:
        return (
            "Not listed in any edition."
            if history.complete_count
            else ("No listing of it is entered yet.")
        )
    count = history.years_listed
    at_least = "" if history.complete_count else "at least "
    editions = "edition" if count == 1 else "editions"
    if history.first_confirmed:
        since = f"first in the {first} review"
    else:
        since = f"first entered from the {first} review (earlier editions are incomplete)"
    if history.in_latest_edition:
        latest = ", and in the latest"
    elif history.latest_state == "not_listed":
        latest = "; not in the latest edition"
    else:
        latest = "; not among the listings entered for the latest edition, which is incomplete"
    return f"Listed in {at_least}{count} {editions} on record, {since}{latest}."
