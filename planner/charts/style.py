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


def base_layout(title: str, ytitle: str, xtitle: str, height: int = 340) -> dict:
    """The layout every chart shares: no fixed width (the chart fills its container)."""
    return dict(title=dict(text=title, x=0.01, xanchor="left", font=dict(size=15)),
                template="plotly_white", height=height, autosize=True,
                margin=dict(l=60, r=20, t=80, b=45), xaxis=dict(title=dict(text=xtitle)),
                yaxis=dict(title=dict(text=ytitle)), bargap=0.15,
                font=dict(family="system-ui, -apple-system, 'Segoe UI', sans-serif"),
                legend=dict(orientation="h", y=1.0, x=0, xanchor="left", yanchor="bottom"),
                hoverlabel=dict(namelength=-1))


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
