"""``Chart``: a plotly FigureWidget whose browser code is sent once per page.

plotly's FigureWidget is an anywidget whose browser code (plotly.js and the
widget, about 5 MB) is part of every figure's state, and the page evaluates it
once per figure. anywidget gives a model 2 seconds to set itself up; on a busy
machine a page with several figures runs past that, the figure's model is
dropped, and its chart keeps the data it was first drawn with (the "stale" or
empty charts after a control changes, and the slow first paint).

A ``Chart`` is the same figure and the same plotly widget code, delivered
differently: its own browser code is a few lines that ask the kernel for
plotly's bundle once per page (the first chart asks, the others wait for the
same promise), evaluate it once and hand each figure to plotly's own
``initialize`` and ``render``. Setting up a model is then instant, whatever the
machine's load. Under anywidget plotly's widget no longer hears when its tab
is shown or the window resized, and a chart drawn before it is in the page is
drawn at plotly's default 700 px; so a ``Chart`` compares the width plotly drew
at with its box's after every draw and whenever the box changes size, and has
plotly.js fit it again on a mismatch: charts fill their container. Nothing
leaves the page's server: the bundle comes from the installed plotly package
through the kernel.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

ESM = r"""
function plotlyWidget(model) {
  if (!globalThis.__plannerPlotlyWidget) {
    globalThis.__plannerPlotlyWidget = new Promise((resolve, reject) => {
      const take = (msg, buffers) => {
        if (!msg || msg.type !== "plotly-bundle") return;
        model.off("msg:custom", take);
        const url = URL.createObjectURL(new Blob([buffers[0]], { type: "text/javascript" }));
        import(url).then(resolve, reject).finally(() => URL.revokeObjectURL(url));
      };
      model.on("msg:custom", take);
      model.send({ type: "plotly-bundle?" });
    });
  }
  return globalThis.__plannerPlotlyWidget;
}

export default () => {
  let inner;
  let ready;
  return {
    initialize({ model }) {
      // Returns at once: plotly's own set-up runs when its code has arrived.
      ready = plotlyWidget(model).then((mod) => {
        inner = mod.default();
        return inner.initialize({ model });
      });
    },
    async render({ model, el }) {
      await ready;
      const cleanup = inner.render({ model, el });
      // Fill the container. plotly.js draws a chart that is not in the page yet (or sits
      // in a hidden tab) at its default 700 px and redraws on a window "resize" only.
      // So whenever the chart's box changes size, and after every draw, the width plotly
      // drew at is compared with the box's, and a mismatch asks plotly to fit again.
      // plotly draws into the widget's own element or into a div inside it.
      const plot = () =>
        el.classList.contains("js-plotly-plot") ? el : el.querySelector(".js-plotly-plot");
      let timer;
      let tries = 0;
      let asked = 0;
      const fit = () => {
        const gd = plot();
        if (!gd || !gd._fullLayout || el.offsetParent === null) return;
        const want = Math.round(parseFloat(getComputedStyle(gd).width));
        if (!want || Math.abs(want - gd._fullLayout.width) <= 2) { tries = 0; return; }
        if (want !== asked) { asked = want; tries = 0; }
        if (++tries > 3) return;  // a box plotly cannot fill: do not loop
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (gd._responsiveChartHandler) gd._responsiveChartHandler();
          else window.dispatchEvent(new Event("resize"));
        }, 60);
      };
      const watch = new ResizeObserver(fit);
      watch.observe(el);
      let hooked = null;
      const hook = () => {  // plotly's div exists once its first draw has begun
        const gd = plot();
        if (gd && gd.on && gd !== hooked) { hooked = gd; gd.on("plotly_afterplot", fit); }
      };
      let polls = 0;
      const poll = setInterval(() => {
        hook();
        if (hooked || ++polls > 600) clearInterval(poll);  // a minute at most
      }, 100);
      hook();
      fit();
      return () => {
        clearInterval(poll);
        clearTimeout(timer);
        watch.disconnect();
        if (typeof cleanup === "function") cleanup();
      };
    },
  };
};
"""


@lru_cache(maxsize=1)
def plotly_bundle() -> bytes:
    """The browser code of plotly's FigureWidget, from the installed plotly."""
    esm = go.FigureWidget._esm  # anywidget keeps the file's text (or its path)
    if isinstance(esm, Path):
        return esm.read_bytes()
    return str(esm).encode("utf-8")


# The mode bar keeps two buttons: save as PNG and reset the axes (zoom and pan stay on the
# mouse). Its other eight were eight Tab stops a chart, and one of them, "Share chart...",
# uploads the chart's data to Plotly's cloud: health data never leaves the page.
CHART_CONFIG = {"responsive": True, "displaylogo": False,
                "modeBarButtons": [["toImage", "resetScale2d"]]}


class Chart(go.FigureWidget):
    """A plotly FigureWidget for pages with many charts (see the module's note)."""

    _esm = ESM

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._config = {**self._config, **CHART_CONFIG}
        self.on_msg(self._bundle_asked)

    def _bundle_asked(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "plotly-bundle?":
            self.send({"type": "plotly-bundle"}, [plotly_bundle()])
