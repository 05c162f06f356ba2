"""A chart (`data.Chart`) drawn as SVG or PNG with matplotlib.

Every series differs in shape as well as colour (hatching for bars, a marker and a dash
pattern for lines), from the Okabe-Ito palette, which colour-blind readers can tell apart;
a stated count is an outlined mark, never filled. The image carries its title, its notes and
its source line, so a downloaded copy still says what it shows and where it comes from. The
page puts a data table beside it for screen readers and print.
"""

import io

import matplotlib
from matplotlib.figure import Figure

# The same chart always gives the same bytes (stable ids, no date), so its ETag holds.
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "notorious",
        "svg.fonttype": "none",  # text stays text: selectable, and read by search engines
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#555555"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
DASHES = ["-", "--", "-.", ":", "-", "--", "-."]
WIDTH, HEIGHT, DPI = 10, 5, 120  # inches at 120 dpi: 1200 x 600 pixels
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def draw(chart, extension):
    """The chart's image as bytes in the given format ("svg" or "png")."""
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    figure.suptitle(chart.title, fontsize=13, fontweight="bold")
    if chart.is_empty:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "No edition is published yet.", ha="center", transform=axes.transAxes)
    elif chart.kind == "bars":
        _bars(axes, chart)
    else:
        _lines(axes, chart)
    footer = "\n".join([*chart.notes, chart.source])
    figure.get_layout_engine().set(h_pad=0.1)
    axes.set_xlabel(footer, fontsize=8, color="#333333", loc="left", labelpad=10)
    output = io.BytesIO()
    figure.savefig(output, format=extension, metadata=_metadata(extension))
    return output.getvalue()


def _metadata(extension):
    if extension == "svg":
        return {"Date": None, "Creator": "Notorious (matplotlib)"}
    return {"Software": "Notorious (matplotlib)"}


def _positions(chart):
    return range(len(chart.years))


def _year_axis(axes, chart):
    axes.set_xticks(list(_positions(chart)), [str(year) for year in chart.years])
    if len(chart.years) > 12:
        axes.tick_params(axis="x", labelrotation=90)
    axes.set_ylabel("Listings entered")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", color="#dddddd")
    # Room above the tallest value for the legend.
    axes.set_ylim(0, max(axes.get_ylim()[1] * 1.15, 1))
    axes.set_axisbelow(True)


def _bars(axes, chart):
    count = len(chart.series)
    width = 0.8 / max(count, 1)
    for index, series in enumerate(chart.series):
        offset = (index - (count - 1) / 2) * width
        xs = [x + offset for x in _positions(chart)]
        axes.bar(
            xs,
            [value or 0 for value in series.values],
            width=width,
            label=series.label,
            color=COLOURS[index % len(COLOURS)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="white" if not HATCHES[index % len(HATCHES)] else "#222222",
            linewidth=0.5,
        )
        if index < len(chart.stated):
            stated = chart.stated[index]
            pairs = zip(xs, stated.values, strict=True)
            known = [(x, value) for x, value in pairs if value is not None]
            if known:
                axes.plot(
                    [x for x, _ in known],
                    [value for _, value in known],
                    linestyle="none",
                    marker="_",
                    markersize=max(6, 300 * width / max(len(chart.years), 1)),
                    markeredgewidth=2.5,
                    color="#000000",
                    # One legend entry for every stated mark: they look alike.
                    label="Stated by the report" if index == 0 else None,
                )
    # markerscale: the stated mark is as wide as a bar on the chart, not in the legend.
    axes.legend(frameon=False, loc="upper left", ncols=3, markerscale=0.3)
    _year_axis(axes, chart)


def _lines(axes, chart):
    for index, series in enumerate(chart.series):
        axes.plot(
            list(_positions(chart)),
            series.values,
            label=series.label,
            color=COLOURS[index % len(COLOURS)],
            marker=MARKERS[index % len(MARKERS)],
            linestyle=DASHES[index % len(DASHES)],
            linewidth=1.8,
        )
    axes.legend(frameon=False, loc="upper left", ncols=2, fontsize=9)
    _year_axis(axes, chart)
