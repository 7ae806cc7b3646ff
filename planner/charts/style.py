"""What every chart shares: one colour scheme, one layout, plain values, the ACWR zones.

Plan charts (:mod:`planner.charts.plan`) and analysis charts
(:mod:`planner.charts.analysis`) take their colours and layout from here, so the
app, the notebooks, the coach page and the HTML report look alike.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from planner import metrics

# One colour scheme for every chart of the plan and of the analysis (colour-blind safe hues).
COLOURS = {"deadlift": "#1f5f99", "glute_bridge": "#d9711c", "rotational_stretch": "#2f8f55"}
PALETTE = {**COLOURS, "deload": "#9fb8d0", "e1rm": "#7b3fa0", "grid": "#e5e5e5",
           "done": "#2f8f55", "over": "#1f5f99", "partial": "#e0b339", "missed": "#c0392b",
           "unplanned": "#8e8e8e", "ctl": "#1f5f99", "atl": "#d9711c", "tsb": "#8e8e8e",
           "pain_during": "#d9711c", "pain_after": "#c0392b", "pain_next_morning": "#7b3fa0",
           "zone_ok": "#2f8f55", "zone_high": "#c0392b"}
LEVELS = ("stretch only", "bridge + stretch", "deadlift day")
LEVEL_COLOURS = (COLOURS["rotational_stretch"], COLOURS["glute_bridge"], COLOURS["deadlift"])


def plain_list(values) -> list:
    """Plain Python values (numbers, text, None for missing) for a figure."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return [None if v != v else v for v in arr.ravel().tolist()]
    if arr.dtype.kind in "iub":
        return arr.ravel().tolist()
    return [None if (v is None or (isinstance(v, float) and v != v)) else
            (v.item() if hasattr(v, "item") else v) for v in arr.ravel().tolist()]


#: Where a chart's title sits: at the top of the figure, whatever its margins [px].
TITLE_PAD_PX = 12
TITLE_PX = 36  # the title's band, its padding included
#: A horizontal legend's rows: the height of one [px], and the width of an entry: the
#: symbol and gaps, plus its text at a generous width a character (a wider font than the
#: one tested, 6.3 px, still fits) [px].
LEGEND_ROW_PX = 29
LEGEND_ENTRY_PX = 44
LEGEND_CHAR_PX = 7.0
#: The narrowest box a chart is drawn in (the app at 800 px wide gives it 760 px) [px]. The
#: top margin holds the legend as it wraps at this width, so the legend never needs more
#: room than it was given; where it would (a narrower box), plotly widens the margin.
NARROWEST_PX = 760
GAP_PX = 12  # between the legend and the plot or an axis' labels

#: Every analysis chart's left and right margin [px]. Fixed, not grown by the y axes'
#: labels (``automargin`` off), so charts stacked on one page, over one date range, have
#: plot areas of one width, one above the other: a month sits at the same place on each.
#: Wide enough for a two-line axis title beside five-character ticks ("−1000"), and a
#: right-hand axis with its title.
SIDE_MARGINS = dict(l=100, r=70)

#: Date axes read as the page writes days ("7 Dec"): the day and month at each tick, the
#: year under the first tick and wherever it changes (plotly writes the text after "\n"
#: only when it differs from the tick before's); months ("Jul" over "2017") once ticks are
#: a month or more apart. Hover shows the whole day ("Mon 7 Dec 2026").
DAY_MS = 24 * 3600 * 1000
DATE_AXIS = dict(
    tickformatstops=[dict(dtickrange=[None, DAY_MS // 2], value="%H:%M\n%-d %b %Y"),
                     dict(dtickrange=[DAY_MS, 27 * DAY_MS], value="%-d %b\n%Y"),
                     dict(dtickrange=["M1", "M6"], value="%b\n%Y"),
                     dict(dtickrange=["M12", None], value="%Y")],
    hoverformat="%a %-d %b %Y")


def base_layout(title: str, ytitle: str, xtitle: str, height: int = 340,
                dates: bool = False) -> dict:
    """The layout every chart shares: no fixed width (the chart fills its container), the
    title at the top, a horizontal legend above the plot (:func:`place_legend` gives it
    room once the traces are in); ``dates``: the x axis is a date axis (:data:`DATE_AXIS`)."""
    xaxis = dict(title=dict(text=xtitle), **(DATE_AXIS if dates else {}))
    return dict(title=dict(text=title, x=0.01, xanchor="left", font=dict(size=15),
                           yref="container", y=1, yanchor="top", pad=dict(t=TITLE_PAD_PX)),
                template="plotly_white", height=height, autosize=True,
                margin=dict(l=60, r=20, t=80, b=45), xaxis=xaxis,
                yaxis=dict(title=dict(text=ytitle)), bargap=0.15,
                font=dict(family="system-ui, -apple-system, 'Segoe UI', sans-serif"),
                legend=dict(orientation="h", y=1, x=0, xanchor="left", yanchor="bottom"),
                hoverlabel=dict(namelength=-1))


def legend_names(fig: go.Figure) -> list[str]:
    """The entries of ``fig``'s legend, in order: traces (unless hidden from it) and shapes
    named in it; none when plotly draws no legend (turned off, or one entry not asked for)."""
    names = [t.name or "" for t in fig.data if t.showlegend is not False]
    names += [s.name or "" for s in fig.layout.shapes if s.showlegend]
    asked = fig.layout.showlegend is True or any(t.showlegend for t in fig.data)
    if fig.layout.showlegend is False or (len(names) < 2 and not asked):
        return []
    return names


def legend_rows(names: list[str], width_px: float, grouped: bool = False) -> int:
    """The rows a horizontal legend of ``names`` takes in ``width_px``, filled as plotly
    fills them: an entry that does not fit starts a new row, and, unless the legend is
    ``grouped`` (an entry has a legend group), once the entries do not fit in one row every
    entry takes the widest one's width (a grid)."""
    widths = [LEGEND_ENTRY_PX + LEGEND_CHAR_PX * len(name) for name in names]
    if not grouped and sum(widths) > width_px:
        widths = [max(widths)] * len(widths)
    rows, used = 0, width_px
    for entry in widths:
        if used + entry > width_px:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


def place_legend(fig: go.Figure, below: bool = False, top_axis_px: int = 0) -> None:
    """Give ``fig``'s legend its own room, outside the plot and its axes' labels, however
    many rows it wraps to in the narrowest box (:data:`NARROWEST_PX`): above the plot (the
    title, when there is one, above it), or ``below`` it (for a chart whose x axis is at
    the top, whose labels take ``top_axis_px`` above the plot). Call it once the traces are
    in, and again after a change of title."""
    m = fig.layout.margin
    width = NARROWEST_PX - (m.l if m.l is not None else 80) - (m.r if m.r is not None else 80)
    grouped = any(x.legendgroup for x in (*fig.data, *fig.layout.shapes))
    rows = legend_rows(legend_names(fig), width, grouped)
    title = TITLE_PX if fig.layout.title.text else 0
    legend_px = rows * LEGEND_ROW_PX + (GAP_PX if rows else 0)
    if below:
        fig.update_layout(legend=dict(y=0, yanchor="top", x=0, xanchor="left"),
                          margin=dict(t=max(title + top_axis_px + GAP_PX, 20),
                                      b=max(legend_px, 20)))
    else:
        fig.update_layout(legend=dict(y=1, yanchor="bottom", x=0, xanchor="left"),
                          margin=dict(t=max(title + top_axis_px + legend_px, 20)))


def fixed_side_margins(fig: go.Figure) -> None:
    """:data:`SIDE_MARGINS` for ``fig``, its y axes kept from widening them and its x axis'
    labels from widening any but the bottom one."""
    fig.update_layout(margin=SIDE_MARGINS)
    fig.update_yaxes(automargin=False)
    fig.update_xaxes(automargin="height")


def add_acwr_zones(fig: go.Figure, top: float | None = None) -> None:
    """Gabbett's zones (0.8-1.3 and 1.5 or more) as shaded bands, for context, the danger
    band up to ``top`` (the axis' top; 1 above its floor when not given). Each band is named
    in the legend, never written on the plot, where a label could cover the lines."""
    lo, hi = metrics.ACWR_ZONES["sweet spot"]
    danger = metrics.ACWR_ZONES["danger"][0]
    fig.add_hrect(y0=lo, y1=hi, fillcolor=PALETTE["zone_ok"], opacity=0.12, line_width=0,
                  layer="below", name=f"{lo:g}-{hi:g} (context)",
                  showlegend=True)
    fig.add_hrect(y0=danger, y1=max(top if top is not None else danger + 1, danger),
                  fillcolor=PALETTE["zone_high"], opacity=0.08, line_width=0, layer="below",
                  name=f"{danger:g} and above (disputed)", showlegend=True)
