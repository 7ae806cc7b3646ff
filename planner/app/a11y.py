"""What ipywidgets leaves out for screen readers and the keyboard, added in the page.

ipywidgets draws its controls without the roles and states a screen reader needs: a
slider handle (noUiSlider, ``role="slider"``) has no name, a row of ``ToggleButtons``
is a row of plain buttons whatever it is for, and a ``ToggleButton`` does not say
whether it is on. ``PageA11y`` is a tiny invisible anywidget placed in the app; in the
page it watches the app (now and whenever the app draws anew) and adds them:

- every slider handle gets its slider's label as its name ("Weeks"; "Reps per set,
  lowest" and "…, highest" for a range);
- a row of step buttons (``Steps``: the app's steps, the chart tabs; the page switch
  "My programme / Coach") is a ``tablist`` of ``tab``s with ``aria-selected``, each
  tab tied to its panel (``aria-controls``, ``role="tabpanel"``);
- any other ``ToggleButtons`` (kg / lb) is a ``radiogroup`` of ``radio``s with
  ``aria-checked``;
- a lone ``ToggleButton`` (a training day) has ``aria-pressed``;
- in a tablist or a radio group only the chosen button is a Tab stop, and the arrow
  keys (and Home, End) move the choice, as the WAI-ARIA patterns describe;
- a control's one-line help is its ``aria-describedby``;
- the upload button's file count, "(0)" once the app has read the file, goes;
- a skip link (:data:`SKIP_LINK`, the page's first Tab stop) moves the focus to the
  files of the step shown: its downloads, or the Log step's upload.

Each state is written only when it differs, so the watcher never wakes itself.
"""

from __future__ import annotations

import anywidget

# The page's first Tab stop; hidden until it has the focus (CSS in markup.STYLE).
SKIP_LINK = ("<a class='planner-skip' href='#planner-files'>Skip to this step's files"
             "</a>")
# Marks the box a skip lands in (add_class); the first one shown is the target.
FILES = "planner-files"

ESM = r"""
const set = (el, name, value) => {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
};
let ids = 0;
const idOf = (el) => el.id || (el.id = "planner-a11y-" + (++ids));

function nameSliders(root) {
  for (const slider of root.querySelectorAll(".widget-slider")) {
    const label = slider.querySelector(".widget-label");
    const text = label ? label.textContent.trim() : "";
    const handles = slider.querySelectorAll(".noUi-handle");
    handles.forEach((h, i) => {
      const part = handles.length > 1 ? (i === 0 ? ", lowest" : ", highest") : "";
      set(h, "aria-label", (text || "value") + part);
    });
  }
}

function groupName(group) {
  const label = group.querySelector(":scope > .widget-label");
  const text = label ? label.textContent.trim() : "";
  if (text) return text;
  if (group.closest(".planner-charts")) return "Charts";
  if (group.closest(".planner-coach")) return "Coach's steps";
  return "Steps";
}

function roleButtons(root) {
  for (const group of root.querySelectorAll(".widget-toggle-buttons")) {
    const tabs = group.classList.contains("planner-stepbar")
      || group.classList.contains("planner-page-choice");
    const buttons = [...group.querySelectorAll("button.widget-toggle-button")];
    if (!buttons.length) continue;
    const row = buttons[0].parentElement;
    set(row, "role", tabs ? "tablist" : "radiogroup");
    set(row, "aria-label", groupName(group));
    const panels = tabs && group.parentElement
      ? [...group.parentElement.children].filter((c) => c.classList.contains("planner-step-panel"))
      : [];
    const chosen = buttons.findIndex((b) => b.classList.contains("mod-active"));
    buttons.forEach((b, i) => {
      const on = b.classList.contains("mod-active");
      set(b, "role", tabs ? "tab" : "radio");
      set(b, tabs ? "aria-selected" : "aria-checked", String(on));
      set(b, "tabindex", i === Math.max(chosen, 0) ? "0" : "-1");
      b.dataset.plannerGroup = "1";
      if (panels.length === buttons.length) {
        set(b, "aria-controls", idOf(panels[i]));
        set(panels[i], "role", "tabpanel");
        set(panels[i], "aria-labelledby", idOf(b));
      }
    });
  }
  for (const b of root.querySelectorAll("button.widget-toggle-button")) {
    if (b.dataset.plannerGroup) continue;
    set(b, "aria-pressed", String(b.classList.contains("mod-active")));
  }
}

// ipywidgets' upload button counts the files it holds: "Choose a log (0)" once the app
// has read the file and let it go. The count says nothing to a person: it goes.
function uncount(root) {
  for (const b of root.querySelectorAll("button.planner-upload")) {
    for (const n of b.childNodes) {
      if (n.nodeType === Node.TEXT_NODE && / \(\d+\)\s*$/.test(n.nodeValue)) {
        n.nodeValue = n.nodeValue.replace(/ \(\d+\)\s*$/, "");
      }
    }
  }
}

// A control's one-line help (the box after it) is its description for a screen reader.
function describe(root) {
  for (const help of root.querySelectorAll(".planner-control-help-box")) {
    const control = help.previousElementSibling;
    const text = help.querySelector(".planner-control-help");
    if (!control || !text) continue;
    const id = idOf(text);
    for (const f of control.querySelectorAll("input, select, textarea, button, .noUi-handle")) {
      set(f, "aria-describedby", id);
    }
  }
}

function onKey(event) {
  const b = event.target;
  if (!(b instanceof HTMLElement) || !b.dataset || !b.dataset.plannerGroup) return;
  const buttons = [...b.parentElement.querySelectorAll(":scope > button.widget-toggle-button")];
  const i = buttons.indexOf(b);
  const n = buttons.length;
  const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
               Home: 0, End: n - 1 }[event.key];
  if (to === undefined || i < 0) return;
  event.preventDefault();
  event.stopPropagation();
  const next = buttons[(to + n) % n];
  next.focus();
  next.click();
}

function skip(root, event) {
  const link = event.target.closest && event.target.closest(".planner-skip");
  if (!link) return;
  event.preventDefault();
  const shown = [...root.querySelectorAll(".planner-files")].find(
    (e) => e.offsetParent !== null);
  if (!shown) return;
  if (!shown.hasAttribute("tabindex")) shown.setAttribute("tabindex", "-1");
  shown.scrollIntoView({ block: "start" });
  shown.focus({ preventScroll: true });
}

function render({ el }) {
  el.style.display = "none";
  const root = el.closest(".planner-dashboard") || el.closest(".planner-app") || document.body;
  let queued = false;
  const run = () => {
    queued = false; nameSliders(root); roleButtons(root); uncount(root); describe(root);
  };
  const watch = new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(run); }
  });
  watch.observe(root, { childList: true, subtree: true, characterData: true,
                        attributes: true, attributeFilter: ["class"] });
  const key = (e) => onKey(e);
  const click = (e) => skip(root, e);
  root.addEventListener("keydown", key, true);
  root.addEventListener("click", click);
  setTimeout(run, 0);
  return () => {
    watch.disconnect();
    root.removeEventListener("keydown", key, true);
    root.removeEventListener("click", click);
  };
}
export default { render };
"""


class PageA11y(anywidget.AnyWidget):
    """Names, roles, states and keys for the app's controls (see the module)."""

    _esm = ESM
