"""Share images: a 1200 x 630 PNG for a market, a company or an edition, used as the page's
OpenGraph image. Each shows the name, what the record says of it in the latest edition (the
same rules and words as its page) and, for a market, its timeline strip; drawn from the data
and kept under the content generation, so it changes when the data does.
"""

import io
import textwrap
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from notorious.core.templatetags.timelines import cell_mark

WIDTH, HEIGHT, DPI = 12, 6.3, 100  # 1200 x 630 pixels
LINE_WIDTH = 78  # characters of a status line at its size; the card has room for four
LEGEND = (
    "N new · C continuing · R returning · F first entered · L listed · "
    "– not listed · ? not entered · / no edition on record"
)
INK, MUTED, PAPER = "#1b1d21", "#4a4f57", "#ffffff"
# A strip cell's look by state: fill and border style, besides its letter (never colour alone).
CELL_STYLES = {
    "listed": {"facecolor": "#1b1d21", "edgecolor": "#1b1d21", "linestyle": "solid"},
    "unconfirmed": {"facecolor": "#6b7280", "edgecolor": "#1b1d21", "linestyle": "dashed"},
    "not_listed": {"facecolor": PAPER, "edgecolor": "#9aa0a8", "linestyle": "solid"},
    "not_entered": {"facecolor": PAPER, "edgecolor": "#9aa0a8", "linestyle": "dotted"},
    "no_edition": {"facecolor": "#f0f1f3", "edgecolor": "#f0f1f3", "linestyle": "solid"},
}


@dataclass
class ShareCard:
    """What a share image says: a kicker, the name, one or two lines of status, and cells."""

    kicker: str
    name: str
    lines: list
    cells: list = field(default_factory=list)  # a market's `history.cells()`


def said(template, context):
    """What a page's own include says (its status statement), as plain text."""
    return " ".join(strip_tags(render_to_string(template, context)).split())


def market_card(market, history, record):
    """A market's card: its status in the latest edition, in the words of its profile and
    embed (markets/includes/status_statement.html), and its timeline strip."""
    reports = {report.year: report for report in record.editions}
    status = said(
        "markets/includes/status_statement.html",
        {
            "history": history,
            "latest": record.latest_edition,
            "last_listed": reports.get(history.last_year),
        },
    )
    return ShareCard(
        kicker=f"{market.get_kind_display()} market · {market.category_label}",
        name=market.name,
        lines=textwrap.wrap(status, LINE_WIDTH),
        cells=history.cells(),
    )


def company_card(company, counts):
    """A company's card: its markets on record and in the latest edition, in the words of
    its page and embed (companies/includes/status_statement.html)."""
    status = said(
        "companies/includes/status_statement.html",
        {
            "market_count": counts["total"],
            "markets_in_latest": counts["in_latest"],
            "markets_not_entered_latest": counts["not_entered"],
        },
    )
    return ShareCard(kicker="Company", name=company.name, lines=textwrap.wrap(status, LINE_WIDTH))


def edition_card(report):
    """An edition's card: each section's stated and entered counts, as its page words them."""
    lines = [
        f"{section.section.capitalize()} markets: {section.entered_text}."
        for section in report.sections
    ]
    published = report.publication_date_display
    kicker = f"Edition reviewing {report.year}" + (f" · published {published}" if published else "")
    return ShareCard(kicker=kicker, name=f"The {report.year} review", lines=lines)


def draw(card, site):
    """The card as PNG bytes; `site` is the address printed at the foot."""
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor=PAPER)
    figure.text(0.05, 0.86, card.kicker, fontsize=22, color=MUTED)
    figure.text(0.05, 0.72, _fit(card.name, 34), fontsize=48, fontweight="bold", color=INK)
    lines = card.lines[:4]
    if len(card.lines) > 4:  # the rest is on the page
        lines[3] = _fit(f"{lines[3]} {card.lines[4]}", len(lines[3]))
    for index, line in enumerate(lines):
        figure.text(0.05, 0.6 - index * 0.07, line, fontsize=20, color=INK)
    if card.cells:
        _strip(figure, card.cells)
    figure.text(
        0.05,
        0.05,
        f"Notorious · USTR's notorious markets, on record · {site}",
        fontsize=16,
        color=MUTED,
    )
    output = io.BytesIO()
    figure.savefig(output, format="png", metadata={"Software": "Notorious (matplotlib)"})
    return output.getvalue()


def _fit(text, most):
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _strip(figure, cells):
    """The timeline strip: a box per year with its two digits and letter, as on the site."""
    cells = cells[-24:]  # the latest 24 years fit the card's width
    axes = figure.add_axes((0.05, 0.18, 0.9, 0.13))
    axes.set_axis_off()
    figure.text(0.05, 0.125, LEGEND, fontsize=13, color=MUTED)
    axes.set_xlim(0, max(len(cells), 16))  # a short history keeps cells of a readable size
    axes.set_ylim(0, 1)
    for index, cell in enumerate(cells):
        style = CELL_STYLES["unconfirmed" if cell.listed and not cell.confirmed else cell.state]
        dark = cell.listed
        axes.add_patch(Rectangle((index + 0.06, 0.05), 0.88, 0.9, linewidth=2, **style))
        colour = PAPER if dark else INK
        axes.text(
            index + 0.5,
            0.68,
            str(cell.year)[2:],
            ha="center",
            va="center",
            fontsize=12,
            color=colour,
        )
        axes.text(
            index + 0.5,
            0.3,
            cell_mark(cell),
            ha="center",
            va="center",
            fontsize=17,
            fontweight="bold",
            color=colour,
        )
