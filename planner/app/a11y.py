"""Names for the slider handles, which ipywidgets draws without one.

ipywidgets' sliders are noUiSlider handles (``role="slider"``) that carry their
value but no accessible name: a screen reader says "slider, 12" without saying
which. ``SliderNames`` is a tiny invisible anywidget placed in the app: in the
page it gives every slider handle inside the app the text of its slider's
label ("Weeks"; "Reps per set, lowest" and "…, highest" for a range) as its
``aria-label``, now and whenever the app draws new sliders.
"""

from __future__ import annotations

import anywidget

ESM = r"""
function name(root) {
  for (const slider of root.querySelectorAll(".widget-slider")) {
    const label = slider.querySelector(".widget-label");
    const text = label ? label.textContent.trim() : "";
    const handles = slider.querySelectorAll(".noUi-handle");
    handles.forEach((h, i) => {
      const part = handles.length > 1 ? (i === 0 ? ", lowest" : ", highest") : "";
      const wanted = (text || "value") + part;
      if (h.getAttribute("aria-label") !== wanted) h.setAttribute("aria-label", wanted);
    });
  }
}

function render({ el }) {
  el.style.display = "none";
  const root = el.closest(".planner-app") || document.body;
  let queued = false;
  const run = () => { queued = false; name(root); };
  const watch = new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(run); }
  });
  watch.observe(root, { childList: true, subtree: true });
  setTimeout(run, 0);
  return () => watch.disconnect();
}
export default { render };
"""


class SliderNames(anywidget.AnyWidget):
    """Give the app's slider handles their labels as accessible names (see the module)."""

    _esm = ESM
