"""``Steps``: the app's panels one at a time under a row of tab-like buttons.

Kept apart from :mod:`planner.app.markup`, which holds no widgets (the coach's zip, built without
widgets, uses it). The buttons' look is in ``planner.app.markup.STYLE``.
"""

from __future__ import annotations

import ipywidgets as w
import traitlets


class Steps(w.VBox):
    """Panels shown one at a time under a row of buttons: ``Steps(panels, titles)``.

    Used where ipywidgets' ``Tab`` was. Its bar is a Lumino TabBar, and in JupyterLab
    that bar can stop answering clicks and keys once the notebook has laid its output out
    again (seen in browser tests on a busy machine: the tab under the pointer, five
    clicks, Enter on the focused tab, nothing). These are plain buttons
    (``ToggleButtons``): the browser's own clicks and keys, nothing that a relayout can
    detach. The panels stay alive while hidden (``Stack`` would rebuild a panel, and its
    charts, each time it is shown again).

    ``selected_index`` and ``titles`` work as on ``Tab``.
    """

    selected_index = traitlets.Int(0)
    titles = traitlets.Tuple()

    def __init__(self, children, titles, **kwargs):
        children = list(children)
        if len(titles) != len(children):
            raise ValueError(f"{len(children)} panels need {len(children)} titles, "
                             f"got {len(titles)}")
        self.bar = w.ToggleButtons(options=[(t, i) for i, t in enumerate(titles)], value=0,
                                   style={"button_width": "auto"},
                                   layout=w.Layout(width="100%"))
        self.bar.add_class("planner-stepbar")
        # Each child in a box of its own: its ``layout`` hides it (a FigureWidget's
        # ``layout`` is the figure's).
        self.panels = [w.VBox([c]) for c in children]
        for p in self.panels:
            p.add_class("planner-step-panel")
        super().__init__([self.bar, *self.panels], **kwargs)
        self.titles = tuple(titles)
        self.observe(self._retitle, names="titles")
        w.link((self.bar, "index"), (self, "selected_index"))
        self.observe(self._show, names="selected_index")
        self._show()

    def _retitle(self, change) -> None:
        keep = self.selected_index
        self.bar.options = [(t, i) for i, t in enumerate(change["new"])]
        self.bar.index = keep

    def _show(self, change=None) -> None:
        for i, p in enumerate(self.panels):
            p.layout.display = None if i == self.selected_index else "none"
