"""Share images: a 1200 x 630 PNG for a market, a company or an edition, used as the page's
OpenGraph image. Each shows the name, what the record says of it in the latest edition (the
same rules and words as its page) and, for a market, its timeline strip; drawn from the data
and kept under the content generation, so it changes when the data does.
"""

import io
from dataclasses import dataclass, field

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from notorious.core.templatetags.timelines import cell_mark

WIDTH, HEIGHT, DPI = 12, 6.3, 100  # 1200 x 630 pixels
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


def market_card(market, history, latest):
    """A market's card: its status in the latest edition, as its profile words it."""
    if latest is None:
        status = "No edition of the review is on record yet."
    elif history.in_latest_edition:
        status = f"Listed in the {latest.year} review, the latest edition."
    elif history.latest_state == "not_listed":
        status = f"Not in the latest edition (the {latest.year} review)."
    else:
        status = (
            f"Not among the listings entered for the latest edition (the {latest.year} "
            "review), which is incomplete."
        )
    lines = [status]
    if history.first_year:
        first = "First named in" if history.first_confirmed else "First entered from"
        count = ("" if history.complete_count else "at least ") + str(history.years_listed)
        lines.append(
            f"{first} the {history.first_year} review; listed in {count} "
            f"edition{'s' if history.years_listed != 1 else ''}."
        )
    return ShareCard(
        kicker=f"{market.get_kind_display()} market · {market.category_label}",
        name=market.name,
        lines=lines,
        cells=history.cells(),
    )


def company_card(company, counts, latest):
    """A company's card: its markets on record and how many the latest edition names."""
    total = counts["total"]
    lines = [f"{total} market{'s' if total != 1 else ''} on record, its own and its subsidiaries'."]
    if latest is not None:
        lines.append(
            f"{counts['in_latest']} named in the latest edition (the {latest.year} review)."
        )
        if counts["not_entered"]:
            lines.append(
                f"{counts['not_entered']} more not among its listings entered so far (incomplete)."
            )
    return ShareCard(kicker="Company", name=company.name, lines=lines)


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
    for index, line in enumerate(card.lines[:3]):
        figure.text(0.05, 0.58 - index * 0.075, _fit(line, 80), fontsize=21, color=INK)
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
