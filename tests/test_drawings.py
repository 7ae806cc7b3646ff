"""The exercise drawings: safe, accessible SVG; poses that keep the body's proportions;
cues that say what the exercise facts say; the same markup in the README, the sheet and
the app's cards."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from defusedxml import ElementTree

from planner import PlanConfig, generate
from planner import drawings as d
from planner.catalogue import EXERCISE_IDS, exercise
from planner.files.sheet import sheet_html
from tests.paths import ROOT

SVG = "{http://www.w3.org/2000/svg}"
FOLDER = ROOT / "docs" / "drawings"


def _tag(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


@pytest.fixture(params=EXERCISE_IDS)
def key(request):
    return request.param


def test_each_drawing_is_accessible_scalable_svg(key):
    svg = d.exercise_svg(key)
    root = ElementTree.fromstring(svg)
    assert _tag(root) == "svg" and root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {d.WIDTH} {d.HEIGHT}"
    assert root.get("width") is None and root.get("height") is None  # it fills its box
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert exercise(key).name in title.text
    assert len(desc.text.split()) > 25  # what the drawing shows, in words


def test_each_drawing_fetches_nothing_and_runs_nothing(key):
    svg = d.exercise_svg(key)
    for needle in ("href", "<script", "url(", "http://", "https://", "<image", "<style",
                   "foreignObject", "@import", "javascript:"):
        if needle == "http://":  # the SVG namespace is a name, never fetched
            svg_ = svg.replace("xmlns='http://www.w3.org/2000/svg'", "")
            assert needle not in svg_
        else:
            assert needle not in svg, needle
    for el in ElementTree.fromstring(svg).iter():
        assert _tag(el) in {"svg", "title", "desc", "g", "rect", "path", "circle", "text"}
        assert not [a for a in el.attrib if a.lower().startswith("on")], el.attrib


def test_both_panels_with_their_labels(key):
    root = ElementTree.fromstring(d.exercise_svg(key))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    first, second = d.PANELS[key]
    assert texts == [f"1 {first}", d.NOTES[key][0], f"2 {second}", d.NOTES[key][1]]
    assert first == "Start"
    assert second == ("Roll to one side, hold" if key == "rotational_stretch" else "End")


def test_labels_fit_their_panel(key):
    """At DejaVu Sans widths (among the widest common fonts: 0.54 em a character bold,
    0.50 regular, measured in Chromium), with a margin."""
    for label, note in zip(d.PANELS[key], d.NOTES[key], strict=True):
        assert 9 + len(f"2 {label}") * 0.56 * d.LABEL_SIZE <= d.PANEL_W - 3, label
        assert 9 + len(note) * 0.52 * d.LABEL_SIZE <= d.PANEL_W - 3, note


def _panels(key):
    """(panel rect, transform, inner markup) of each panel."""
    svg = d.exercise_svg(key)
    return re.findall(r"<g><rect x='([\d.]+)' y='0' width='([\d.]+)'[^>]*/>"
                      r"<g transform='translate\(([-\d.]+) ([-\d.]+)\) scale\(([\d.]+)\)'>"
                      r"(.*?)</g><text", svg)


def test_each_figure_stays_inside_its_panel_below_the_labels(key):
    panels = _panels(key)
    assert len(panels) == 2
    for x, width, tx, ty, scale, inner in panels:
        x0, y0, x1, y1 = d._bounds(inner)
        s = float(scale)
        left, right = float(tx) + s * x0, float(tx) + s * x1
        top, bottom = float(ty) + s * y0, float(ty) + s * y1
        assert float(x) < left and right < float(x) + float(width)
        assert top > d.TOP - 10 and bottom < d.HEIGHT  # (strokes reach a little further)
    # One scale and floor for both panels: the figure stays put from one to the next.
    assert panels[0][3:5] == panels[1][3:5]
    assert float(panels[1][2]) - float(panels[0][2]) == pytest.approx(d.PANEL_W + d.GAP, abs=0.1)


def test_floor_under_every_figure_and_a_loaded_bar_for_the_deadlift(key):
    for *_, inner in _panels(key):
        floor = d.WOOD if key == "deadlift" else d.MAT
        assert f"fill='{floor}'" in inner  # the mat or platform, its front edge the floor
        plates = inner.count(f"fill='{d.PLATE}'")
        assert plates == (6 if key == "deadlift" else 0)  # 3 discs a side, bar between


# -- the poses: proportions, joints bending the right way ------------------------------
def _dist(a, b, dims=3):
    return math.dist(a[:dims], b[:dims])


POSES = {"bridge start": d._lying(), "bridge top": d._lying(hips_up=True),
         "stretch start": d._lying(arms_out=True),
         "deadlift start": d._lifting(standing=False), "deadlift top": d._lifting(standing=True)}


@pytest.mark.parametrize("name", POSES)
def test_limbs_keep_their_length_in_every_pose(name):
    pose = POSES[name]
    for side in "lr":
        j = {k: pose[f"{k}_{side}"] for k in ("shoulder", "elbow", "hand", "hip", "knee",
                                              "ankle")}
        assert _dist(j["hip"], j["knee"], 2) == pytest.approx(d.THIGH)
        assert _dist(j["knee"], j["ankle"], 2) == pytest.approx(d.SHIN)
        assert _dist(j["shoulder"], j["hip"], 2) == pytest.approx(d.TORSO)
        arm = _dist(j["shoulder"], j["elbow"], 2) + _dist(j["elbow"], j["hand"], 2)
        assert arm <= d.UPPER_ARM + d.FOREARM + 1e-9


def test_lying_knees_point_up_and_the_bridge_top_is_one_straight_line():
    for pose in (d._lying(), d._lying(hips_up=True), d._lying(arms_out=True)):
        knee, hip, ankle = pose["knee_l"], pose["hip_l"], pose["ankle_l"]
        assert knee[1] > hip[1] + 10 and knee[1] > ankle[1] + 20
    top = d._lying(hips_up=True)
    (sx, sy, _), (hx, hy, _), (kx, ky, _) = (top[j] for j in ("shoulder_l", "hip_l", "knee_l"))
    assert abs((hx - sx) * (ky - sy) - (hy - sy) * (kx - sx)) < 1e-6  # collinear
    start = d._lying()
    assert top["shoulder_l"] == start["shoulder_l"]  # shoulders stay on the floor
    assert top["ankle_l"] == start["ankle_l"]  # feet stay put
    assert top["hip_l"][1] > start["hip_l"][1] + 10  # hips lifted


def test_the_stretch_rolls_both_knees_to_one_side_and_keeps_the_shoulders_down():
    start = d._lying(arms_out=True)
    end = d._rolled(start, d.ROLL)
    for side in "lr":
        assert end[f"knee_{side}"][1] < start[f"knee_{side}"][1] - 15  # knees down ...
        assert end[f"knee_{side}"][2] > start[f"knee_{side}"][2] + 15  # ... to one side
        assert _dist(end[f"knee_{side}"], end[f"ankle_{side}"]) == pytest.approx(d.SHIN, rel=0.01)
        for j in ("shoulder", "elbow", "hand", "head"):
            k = j if j == "head" else f"{j}_{side}"
            assert end[k] == start[k]
    # Arms out on the floor, level with the shoulders.
    assert start["hand_l"][0] == start["shoulder_l"][0] and start["hand_l"][1] < 5
    assert start["hand_l"][2] == pytest.approx(d.SHOULDER_W + d.UPPER_ARM + d.FOREARM)


def test_deadlift_straight_arms_bar_on_the_floor_then_standing_with_it_at_the_hips():
    low, high = d._lifting(standing=False), d._lifting(standing=True)
    for pose in (low, high):  # arms straight, knees bending forwards (or straight)
        arm = _dist(pose["shoulder_l"], pose["hand_l"], 2)
        assert arm == pytest.approx(d.UPPER_ARM + d.FOREARM, rel=0.01)
        hip, knee, ankle = pose["hip_l"], pose["knee_l"], pose["ankle_l"]
        cross = ((ankle[0] - hip[0]) * (knee[1] - hip[1])
                 - (ankle[1] - hip[1]) * (knee[0] - hip[0]))
        assert cross >= -1e-6  # the knee on the front side of the hip-ankle line
    assert low["hand_l"][1] == d.PLATE_R  # the plates stand on the floor
    assert abs(low["hand_l"][0] - low["ankle_l"][0]) < 12  # over the middle of the foot
    assert abs(low["hand_l"][2]) > abs(low["ankle_l"][2])  # hands just outside the feet
    assert low["hip_l"][1] < low["shoulder_l"][1]  # hips below the shoulders
    assert abs(high["shoulder_l"][0] - high["hip_l"][0]) < 3  # standing straight
    assert abs(high["hand_l"][1] - high["hip_l"][1]) < 10  # the bar at the hips


# -- the cues: three each, saying what the facts say -----------------------------------
def test_three_cues_each_saying_the_facts():
    assert set(d.CUES) == set(EXERCISE_IDS)
    assert all(len(cues) == 3 and len(set(cues)) == 3 for cues in d.CUES.values())
    bridge = " ".join(d.CUES["glute_bridge"]).lower()
    for words in ("shoulders, hips, knees in one line", "hip-width", "feet flat",
                  "glutes", "shoulders stay"):
        assert words in bridge, words
    stretch = " ".join(d.CUES["rotational_stretch"]).lower()
    held = exercise("rotational_stretch").defaults
    assert f"hold {held['hold_min_s']} to {held['hold_max_s']} s" in stretch
    assert f"{held['hold_min_s']}–{held['hold_max_s']} s each side" in d.NOTES[
        "rotational_stretch"][1]
    for words in ("both knees to one side", "other side", "arms out", "level with shoulders"):
        assert words in stretch, words
    lift = " ".join(d.CUES["deadlift"]).lower()
    for words in ("mixed grip", "one hand over", "one under", "back straight",
                  "arms straight", "legs and glutes", "hips"):
        assert words in lift, words


def test_a_card_holds_the_drawing_the_name_and_exactly_three_cues(key):
    card = ElementTree.fromstring(d.exercise_card_html(key))
    assert _tag(card) == "figure" and card.get("data-exercise") == key
    assert len(card.findall(f"{SVG}svg")) == 1
    assert card.find("figcaption/strong").text == exercise(key).name
    assert [li.text for li in card.findall("figcaption/ul/li")] == list(d.CUES[key])


def test_the_cards_in_plan_order_with_their_scoped_style():
    html = d.exercise_cards_html()
    assert re.findall(r"data-exercise='(\w+)'", html) == list(EXERCISE_IDS)
    assert html.startswith(f"<style>{d.CARDS_CSS}</style>")
    assert "<style>" not in d.exercise_cards_html(css=False)
    selectors = re.findall(r"^([^{}@\n][^{}]*)\{", d.CARDS_CSS, flags=re.M)
    assert selectors and all(s.strip().startswith(".ex-") for s in selectors), selectors
    assert "minmax(min(100%, 340px), 1fr)" in d.CARDS_CSS  # one column under ~700 px
    with pytest.raises(KeyError, match="no drawing"):
        d.exercise_svg("squat")


# -- one source: the README's files, the sheet ------------------------------------------
def test_the_readme_files_are_the_modules_drawings(tmp_path):
    written = d.write_svgs(tmp_path)
    assert [p.name for p in written] == [f"{k}.svg" for k in EXERCISE_IDS]
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(p.name for p in written)
    for path in written:
        assert (FOLDER / path.name).read_text(encoding="utf-8") == path.read_text(
            encoding="utf-8"), f"run: python -m planner.drawings docs/drawings ({path.name})"


def test_the_readme_shows_each_drawing_with_its_cues():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How to do the exercises", 1)[1].split("\n## ", 1)[0]
    for key in EXERCISE_IDS:
        assert re.search(rf'<img src="docs/drawings/{key}.svg" alt="[^"]{{40,}}"', section)
        assert (FOLDER / f"{key}.svg").is_file()
        assert f"**{exercise(key).name}**" in section
        for cue in d.CUES[key]:
            assert f"- {cue}" in section


def test_the_sheet_opens_week_1_with_the_cards_once():
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=3, deadlift_start_load=40))
    page = sheet_html(plan)
    assert page.count("<figure class='ex-card'") == 3
    weeks = page.split("<section class='week'>")[1:]
    assert len(weeks) == 3 and weeks[0].count("<figure class='ex-card'") == 3
    assert weeks[0].index("class='how'") < weeks[0].index("<table class='day'>")
    assert d.exercise_cards_html(css=False) in weeks[0]
    assert d.CARDS_CSS in page and "<script" not in page
