"""A button that hands a file to the browser: a download, not a path on the server.

ipywidgets 8 has no download widget. ``DownloadButton`` is a small anywidget:
a native ``<button>`` (reachable and operable with the keyboard) that asks the
kernel for the file when clicked; the kernel builds it then (so nothing is
sent while the plan changes) and sends the bytes back as a binary buffer,
which the page saves under the file's name. Works in JupyterLab and Voilà,
offline.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets

from planner.files.calendar import calendar_zone

ESM = r"""
function render({ model, el }) {
  const btn = document.createElement("button");
  btn.type = "button";
  btn.className = "jupyter-widgets jupyter-button widget-button planner-download";
  const show = () => {
    btn.textContent = model.get("label");
    btn.title = model.get("hint");
    const hint = model.get("hint");
    btn.setAttribute("aria-label", hint ? `${model.get("label")}: ${hint}` : model.get("label"));
    btn.disabled = model.get("disabled");
  };
  show();
  model.on("change:label", show);
  model.on("change:hint", show);
  model.on("change:disabled", show);
  btn.addEventListener("click", () => model.send({ type: "request" }));
  model.on("msg:custom", (msg, buffers) => {
    if (!msg || msg.type !== "file") return;
    const blob = new Blob([buffers[0]], { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = msg.filename;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
  el.appendChild(btn);
}
export default { render };
"""

Maker = Callable[[], tuple[str, bytes]]


class DownloadButton(anywidget.AnyWidget):
    """A button that downloads ``make()``'s file: ``make`` returns (file name, bytes).

    When ``make`` raises, ``on_error(exc)`` is called (the app shows a message)
    and nothing is downloaded.
    """

    _esm = ESM
    label = traitlets.Unicode("Download").tag(sync=True)
    # Not "tooltip": the DOMWidget trait of that name stops anywidget's view being made.
    hint = traitlets.Unicode("").tag(sync=True)
    mime = traitlets.Unicode("application/octet-stream").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, label: str, make: Maker, mime: str, *, tooltip: str = "",
                 on_error: Callable[[Exception], None] | None = None, **kwargs) -> None:
        super().__init__(label=label, mime=mime, hint=tooltip, **kwargs)
        self._make = make
        self._on_error = on_error
        self.on_msg(self._request)

    def file(self) -> tuple[str, bytes]:
        """The file this button would download now: (name, bytes)."""
        return self._make()

    def _request(self, _widget, content: dict, _buffers) -> None:
        if not isinstance(content, dict) or content.get("type") != "request":
            return
        try:
            name, data = self._make()
        except Exception as exc:  # shown to the user by the app, in words
            if self._on_error is None:
                raise
            self._on_error(exc)
            return
        self.send({"type": "file", "filename": name, "mime": self.mime}, [data])


ZONE_ESM = r"""
function render({ model, el }) {
  el.style.display = "none";
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) {}
  if (zone && model.get("zone") !== zone) {
    model.set("zone", zone);
    model.save_changes();
  }
}
export default { render };
"""


class BrowserZone(anywidget.AnyWidget):
    """The IANA time zone of the browser showing the page (``zone``; "" until the page has
    said): the calendar's events are written in it, so that 18:00 is the person's 18:00
    when the server runs elsewhere. What the page says is checked before it is used
    (:meth:`checked`)."""

    _esm = ZONE_ESM
    zone = traitlets.Unicode("").tag(sync=True)

    def checked(self) -> str | None:
        """The browser's zone if it is a known IANA zone, else None (the server's zone)."""
        try:
            return calendar_zone(self.zone) if self.zone else None
        except ValueError:
            return None
