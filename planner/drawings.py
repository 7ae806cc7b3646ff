"""Drawings of the three exercises: start and end position, with three cues each.

Each drawing is SVG written here, by hand, for this project: a figure of rounded limbs
on a mat or a lifting platform, in two panels ("Start" and the end position). The figure
is a small skeleton in three dimensions (joint positions in figure units; a standing
figure is 130 units tall, about 1.35 cm a unit) seen through an orthographic camera,
so the proportions hold in every pose and every limb meets its joint. Near limbs are
dark and far limbs light, and every part has a white edge, so a drawing reads in
black and white on paper as well as on a screen, at 320 px wide and up.

The SVG is self-contained: ``role="img"`` with a ``<title>`` and a ``<desc>`` in words,
a ``viewBox`` and no width or height (it scales to its box), no links, scripts, styles
or fonts to fetch. The same markup is the card on the planner's Plan step, the top of
week 1 on the printable sheet, and the README's pictures
(``python -m planner.drawings docs/drawings`` writes them; a test checks they match).
"""

from __future__ import annotations

import html
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from planner.catalogue import EXERCISE_IDS, exercise

#: The three cues that matter most, per exercise, from the exercise facts.
CUES: dict[str, tuple[str, str, str]] = {
    "glute_bridge": (
        "Knees bent, feet flat and hip-width apart.",
        "Lift hips: shoulders, hips, knees in one line.",
        "Squeeze your glutes; shoulders stay down.",
    ),
    "rotational_stretch": (
        "Arms out on the floor, level with shoulders.",
        "Roll both knees to one side; hold 5 to 10 s.",
        "Then the other side; shoulders stay down.",
    ),
    "deadlift": (
        "Mixed grip: one hand over the bar, one under.",
        "Back straight and arms straight, all the way.",
        "Stand up with legs and glutes; bar to hips.",
    ),
}

#: The two panels of each drawing.
PANELS: dict[str, tuple[str, str]] = {
    "glute_bridge": ("Start", "End"),
    "rotational_stretch": ("Start", "Roll to one side, hold"),
    "deadlift": ("Start", "End"),
}

#: A short line under each panel's label (the cue the panel shows).
NOTES: dict[str, tuple[str, str]] = {
    "glute_bridge": ("feet flat, hip-width", "one straight line"),
    "rotational_stretch": ("arms out, knees bent", "hold 5–10 s each side"),
    "deadlift": ("back straight, mixed grip", "stand tall, bar at hips"),
}

#: What each drawing shows, in words (the SVG's <desc>, the README's alt text).
DESCRIPTIONS: dict[str, str] = {
    "glute_bridge": (
        "Two pictures of a person lying on their back on a mat, seen from the side. "
        "Start: knees bent, feet flat on the floor, arms along the sides. End: the hips "
        "are lifted so that shoulders, hips and knees make one straight line (shown by a "
        "dashed line), with the shoulders and feet still on the floor."),
    "rotational_stretch": (
        "Two pictures of a person lying on their back on a mat, seen from above. Start: "
        "knees bent, feet flat, arms stretched out on the floor in line with the shoulders. "
        "Then both knees are rolled together over to one side and held, while both "
        "shoulders and arms stay on the floor (a curved arrow shows the roll)."),
    "deadlift": (
        "Two pictures of a person lifting a barbell loaded with plates, seen from behind "
        "and to the side. Start: crouched with the bar on the floor over the middle of the feet, "
        "hands on the bar just outside the legs, arms straight and the back straight (shown "
        "by a dashed line along it). End: standing up straight, arms hanging straight, the "
        "bar held at the hips."),
}

# -- drawing sizes, in figure units -----------------------------------------------------
PANEL_W, HEIGHT, GAP = 196, 200, 8
WIDTH = 2 * PANEL_W + GAP
TORSO, THIGH, SHIN, UPPER_ARM, FOREARM = 40, 32, 30, 24, 22
HEAD_R, NECK, SHOULDER_W, HIP_W = 9.5, 5, 9, 6
W_TORSO, W_LEG, W_ARM, W_FOOT = 17, 10, 7, 6
PLATE_R = 17  # a 45 cm plate
BAR_X = 3.0  # the bar over the middle of the feet

INK, FAR_INK, EDGE = "#2f4a5f", "#8196a8", "#ffffff"
STEEL, PLATE, ACCENT = "#4a4a4a", "#1f1f1f", "#c2410c"
MAT, MAT_EDGE, WOOD, WOOD_EDGE = "#dfe6ec", "#8a9aa8", "#e9dcc4", "#9a8460"
SHADOW = "#c2ccd6"
LABEL_SIZE = 13.5  # 10.8 px in a drawing 320 px wide
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

Vec = tuple[float, float, float]
Pose = dict[str, Vec]


def _fmt(v: float) -> str:
    """A coordinate with one decimal at most (the drawing's grain), no trailing zeros."""
    return f"{v:.1f}".rstrip("0").rstrip(".") if abs(v) >= 0.05 else "0"


@dataclass(frozen=True)
class View:
    """An orthographic camera: ``yaw`` turns it round the figure from its left side
    towards its front (+x), ``pitch`` raises it above the floor. [degrees]"""

    yaw: float
    pitch: float

    @cached_property
    def axes(self) -> tuple[Vec, Vec, Vec]:
        y, p = math.radians(self.yaw), math.radians(self.pitch)
        towards = (math.cos(p) * math.sin(y), math.sin(p), math.cos(p) * math.cos(y))
        right = (math.cos(y), 0.0, -math.sin(y))
        up = (towards[1] * right[2] - towards[2] * right[1],
              towards[2] * right[0] - towards[0] * right[2],
              towards[0] * right[1] - towards[1] * right[0])
        return right, up, towards

    def project(self, p: Vec) -> tuple[float, float, float]:
        """Screen x, screen y (down) and depth (larger is nearer) of a point."""
        right, up, towards = (a[0] * p[0] + a[1] * p[1] + a[2] * p[2] for a in self.axes)
        return right, -up, towards


def _joint(a: tuple[float, float], b: tuple[float, float], la: float, lb: float,
           towards: tuple[float, float]) -> tuple[float, float]:
    """The middle joint (knee, elbow) of a two-segment limb from ``a`` to ``b`` in one
    plane, bent to the side of ``towards``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    d = math.hypot(dx, dy)
    along = (la * la - lb * lb + d * d) / (2 * d)
    h = math.sqrt(max(la * la - along * along, 0.0))
    px, py = -dy / d, dx / d
    sign = 1 if px * towards[0] + py * towards[1] >= 0 else -1
    return (a[0] + along * dx / d + sign * h * px, a[1] + along * dy / d + sign * h * py)


def _both(pose: Pose, name: str, x: float, y: float, z: float) -> None:
    """A joint on the figure's left (+z) and right (-z) side."""
    pose[f"{name}_l"], pose[f"{name}_r"] = (x, y, z), (x, y, -z)


def _lying(hips_up: bool = False, arms_out: bool = False) -> Pose:
    """Lying on the back along +x (head at x < 0), knees bent, feet flat hip-width apart;
    ``hips_up``: the bridge's top, shoulders, hips and knees in one line."""
    pose: Pose = {"head": (-NECK - HEAD_R, HEAD_R, 0.0)}
    shoulder, ankle_y = (0.0, 8.0), 5.0
    rise = math.asin((ankle_y + SHIN - shoulder[1]) / (TORSO + THIGH))  # shin upright at top
    ankle_x = (TORSO + THIGH) * math.cos(rise)
    if hips_up:
        hip = (TORSO * math.cos(rise), shoulder[1] + TORSO * math.sin(rise))
    else:
        hip = (TORSO, 8.0)
    knee = _joint(hip, (ankle_x, ankle_y), THIGH, SHIN, (0, 1))
    _both(pose, "shoulder", *shoulder, SHOULDER_W)
    _both(pose, "hip", *hip, HIP_W)
    _both(pose, "knee", *knee, HIP_W)
    _both(pose, "ankle", ankle_x, ankle_y, HIP_W + 1)
    _both(pose, "toe", ankle_x + 11, 2.5, HIP_W + 2)
    if arms_out:  # a T on the floor, level with the shoulders
        _both(pose, "elbow", 0.0, 4.0, SHOULDER_W + UPPER_ARM)
        _both(pose, "hand", 0.0, 3.5, SHOULDER_W + UPPER_ARM + FOREARM)
    else:  # along the sides, palms down
        _both(pose, "elbow", UPPER_ARM - 1, 4.0, SHOULDER_W + 7)
        _both(pose, "hand", UPPER_ARM + FOREARM - 2, 3.5, SHOULDER_W + 10)
    return pose


def _rolled(pose: Pose, degrees: float) -> Pose:
    """The legs (and half as much the pelvis) rolled about the body's long axis through
    the hips: positive rolls the knees over to the figure's left (+z)."""
    centre = pose["hip_l"][1]
    out = dict(pose)
    for name, p in pose.items():
        part = name.split("_")[0]
        if part not in ("hip", "knee", "ankle", "toe"):
            continue
        a = math.radians(degrees * (0.5 if part == "hip" else 1.0))
        y, z = p[1] - centre, p[2]
        out[name] = (p[0], centre + y * math.cos(a) - z * math.sin(a),
                     y * math.sin(a) + z * math.cos(a))
    return out


def _lifting(standing: bool) -> Pose:
    """The deadlift, facing +x, the bar over the middle of the feet (x = 3): crouched at
    the bar with a straight back, or standing straight with the bar at the hips."""
    ankle = (-6.0, 6.0)
    if standing:
        hip = (-4.0, ankle[1] + THIGH + SHIN - 0.5)
        shoulder = (hip[0] - TORSO * math.sin(0.025), hip[1] + TORSO * math.cos(0.025))
        lean = math.radians(7)
        hand = (shoulder[0] + (UPPER_ARM + FOREARM) * math.sin(lean),
                shoulder[1] - (UPPER_ARM + FOREARM) * math.cos(lean))
        head = (shoulder[0] + 1, shoulder[1] + NECK + HEAD_R)
    else:
        hand = (BAR_X, PLATE_R)
        shoulder = (hand[0] + 4, hand[1] + math.sqrt((UPPER_ARM + FOREARM) ** 2 - 16))
        back = math.radians(38)  # the back straight, about a third of the way up
        hip = (shoulder[0] - TORSO * math.cos(back), shoulder[1] - TORSO * math.sin(back))
        head = (shoulder[0] + (NECK + HEAD_R) * math.cos(math.radians(40)),
                shoulder[1] + (NECK + HEAD_R) * math.sin(math.radians(40)))
    knee = _joint(hip, ankle, THIGH, SHIN, (1, 0))
    elbow = _joint(shoulder, hand, UPPER_ARM, FOREARM, (-1, 0))
    pose: Pose = {"head": (*head, 0.0)}
    _both(pose, "shoulder", *shoulder, SHOULDER_W)
    _both(pose, "elbow", *elbow, SHOULDER_W + 3)
    _both(pose, "hand", *hand, SHOULDER_W + 5)
    _both(pose, "hip", *hip, HIP_W)
    _both(pose, "knee", *knee, HIP_W + 2)
    _both(pose, "ankle", *ankle, HIP_W + 4)
    _both(pose, "toe", ankle[0] + 15, 2.5, HIP_W + 6)
    return pose


# -- turning a pose into SVG ---------------------------------------------------------------
@dataclass
class _Part:
    """Something drawn: its depth (for the painter's order) and its SVG, which draws its
    own white edge first so that it stands apart from what lies behind it."""

    depth: float
    svg: str


def _line(points: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{_fmt(x)} {_fmt(y)}" for x, y in points)


def _stroke(d: str, width: float, colour: str, edge: float = 3.0, fill: str = "none",
            extra: str = "") -> tuple[str, str]:
    """The edge and the body of a round-capped path."""
    common = f"d='{d}' stroke-linecap='round' stroke-linejoin='round' fill='{fill}'"
    return (f"<path {common} stroke='{EDGE}' stroke-width='{_fmt(width + edge)}'/>",
            f"<path {common} stroke='{colour}' stroke-width='{_fmt(width)}'{extra}/>")


def _group(view: View, chains: Iterable[tuple[Sequence[Vec], float]], colour: str,
           closed: Sequence[Vec] = (), circles: Iterable[tuple[Vec, float]] = ()) -> _Part:
    """Limbs (chains of joints, one width each), a filled outline (the torso) and round
    parts (head, hands) drawn as one piece: the edge of all of them, then their bodies."""
    edges, bodies, depths = [], [], []
    if closed:
        pts = [view.project(p) for p in closed]
        depths += [p[2] for p in pts]
        e, b = _stroke(_line([(x, y) for x, y, _ in pts]) + " Z", W_TORSO, colour,
                       fill=colour)
        edges.append(e)
        bodies.append(b)
    for chain, width in chains:
        pts = [view.project(p) for p in chain]
        depths += [p[2] for p in pts]
        e, b = _stroke(_line([(x, y) for x, y, _ in pts]), width, colour)
        edges.append(e)
        bodies.append(b)
    for centre, r in circles:
        x, y, z = view.project(centre)
        depths.append(z)
        edges.append(f"<circle cx='{_fmt(x)}' cy='{_fmt(y)}' r='{_fmt(r + 1.5)}' "
                     f"fill='{EDGE}'/>")
        bodies.append(f"<circle cx='{_fmt(x)}' cy='{_fmt(y)}' r='{_fmt(r)}' fill='{colour}'/>")
    return _Part(sum(depths) / len(depths), "".join(edges + bodies))


def _figure(pose: Pose, view: View, light: tuple[str, ...] = ("arm_r", "leg_r")) -> list[_Part]:
    """The figure's parts: torso with neck and head, and each arm and leg; the ``light``
    limbs ("arm_r", "leg_l", ...: the far side, or a leg lying under the other) are light."""
    neck = tuple((a + b) / 2 for a, b in zip(pose["shoulder_l"], pose["shoulder_r"],
                                             strict=True))
    torso = _group(view, [((neck, pose["head"]), 8)], INK,
                   closed=[pose["shoulder_l"], pose["shoulder_r"], pose["hip_r"],
                           pose["hip_l"]],
                   circles=[(pose["head"], HEAD_R)])
    parts = [torso]
    for side in ("l", "r"):
        j = {k: pose[f"{k}_{side}"] for k in ("shoulder", "elbow", "hand", "hip", "knee",
                                              "ankle", "toe")}
        for limb, chains, circles in (
                ("arm", [((j["shoulder"], j["elbow"], j["hand"]), W_ARM)], [(j["hand"], 4.2)]),
                ("leg", [((j["hip"], j["knee"], j["ankle"]), W_LEG),
                         ((j["ankle"], j["toe"]), W_FOOT)], [])):
            colour = FAR_INK if f"{limb}_{side}" in light else INK
            parts.append(_group(view, chains, colour, circles=circles))
    return parts


def _polygon(view: View, corners: Sequence[Vec], fill: str, stroke: str,
             width: float = 1.5) -> str:
    pts = [view.project(p)[:2] for p in corners]
    return (f"<path d='{_line(pts)} Z' fill='{fill}' stroke='{stroke}' "
            f"stroke-width='{_fmt(width)}' stroke-linejoin='round'/>")


def _floor(view: View, x0: float, x1: float, z0: float, z1: float, fill: str,
           edge: str, thickness: float) -> str:
    """A mat or a platform on the floor, with its front edge as the floor line."""
    top = [(x0, 0, z1), (x1, 0, z1), (x1, 0, z0), (x0, 0, z0)]
    front = [(x0, 0, z1), (x1, 0, z1), (x1, -thickness, z1), (x0, -thickness, z1)]
    side = [(x1, 0, z1), (x1, 0, z0), (x1, -thickness, z0), (x1, -thickness, z1)]
    return (_polygon(view, top, fill, edge) + _polygon(view, front, edge, edge)
            + (_polygon(view, side, edge, edge) if view.yaw > 0 else ""))


def _disc(view: View, centre: Vec, r: float, n: int = 24) -> list[tuple[float, float]]:
    """A plate: a circle in the x-y plane, seen by the camera (an ellipse)."""
    return [view.project((centre[0] + r * math.cos(2 * math.pi * k / n),
                          centre[1] + r * math.sin(2 * math.pi * k / n), centre[2]))[:2]
            for k in range(n)]


def _barbell(view: View, x: float, y: float) -> list[_Part]:
    """A bar across the lifter (along z) with two plates a side, in pieces for the
    painter's order (hands in front of the bar and behind it)."""
    parts = []
    ends = [-82.0, -62, -44, -24, -8, 8, 24, 44, 62, 82]
    for z0, z1 in zip(ends, ends[1:], strict=False):
        a, b = view.project((x, y, z0)), view.project((x, y, z1))
        edge, body = _stroke(_line([a[:2], b[:2]]), 3.2, STEEL, edge=2)
        parts.append(_Part((a[2] + b[2]) / 2, edge + body))
    for sign in (-1, 1):
        for z, r in ((50, PLATE_R), (55, PLATE_R), (59.5, PLATE_R * 0.62)):
            c = (x, y, sign * z)
            ring = _line(_disc(view, c, r)) + " Z"
            hub = _line(_disc(view, c, 2.6)) + " Z"
            parts.append(_Part(view.project(c)[2], (
                f"<path d='{ring}' fill='{PLATE}' stroke='#ffffff' stroke-width='1.2'/>"
                f"<path d='{_line(_disc(view, c, r * 0.72))} Z' fill='none' "
                f"stroke='#6b6b6b' stroke-width='1'/>"
                f"<path d='{hub}' fill='#9b9b9b'/>")))
    return parts


def _shadow(view: View, pose: Pose) -> str:
    """The legs' shadow on the floor, straight below them: it shows how high the knees are."""
    out = []
    for side in ("l", "r"):
        chain = [pose[f"{j}_{side}"] for j in ("hip", "knee", "ankle", "toe")]
        pts = [view.project((p[0], 0.0, p[2]))[:2] for p in chain]
        out.append(f"<path d='{_line(pts)}' fill='none' stroke='{SHADOW}' "
                   f"stroke-width='{W_LEG}' stroke-linecap='round' stroke-linejoin='round'/>")
    return "".join(out)


def _arrow(points: Sequence[tuple[float, float]]) -> str:
    """A motion arrow along screen points, with its head at the last one."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    a = math.atan2(y1 - y0, x1 - x0)
    head = [(x1 + 7 * math.cos(a), y1 + 7 * math.sin(a)),
            (x1 + 7 * math.cos(a + 2.4), y1 + 7 * math.sin(a + 2.4)),
            (x1 + 7 * math.cos(a - 2.4), y1 + 7 * math.sin(a - 2.4))]
    edge, body = _stroke(_line(points), 2.6, ACCENT, edge=2.5)
    return (edge + body + f"<path d='{_line(head)} Z' fill='{ACCENT}' stroke='{EDGE}' "
            "stroke-width='1' stroke-linejoin='round'/>")


def _guide(view: View, a: Vec, b: Vec, reach: float = 10) -> str:
    """A dashed straight line through two points and a little beyond (a cue made visible)."""
    (x0, y0, _), (x1, y1, _) = view.project(a), view.project(b)
    d = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    pts = [(x0 - reach * ux, y0 - reach * uy), (x1 + reach * ux, y1 + reach * uy)]
    edge, body = _stroke(_line(pts), 2.2, ACCENT, edge=2.5, extra=" stroke-dasharray='6 4'")
    return edge + body


def _label(x: float, y: float, text: str, weight: int = 600) -> str:
    return (f"<text x='{_fmt(x)}' y='{_fmt(y)}' font-family=\"{FONT}\" "
            f"font-size='{LABEL_SIZE}' font-weight='{weight}' fill='#1f2933'>"
            f"{html.escape(text)}</text>")


def _scene(parts: list[_Part], under: str = "", over: str = "") -> str:
    return under + "".join(p.svg for p in sorted(parts, key=lambda p: p.depth)) + over


# -- the three drawings, panel by panel ------------------------------------------------------
BRIDGE_VIEW = View(yaw=10, pitch=18)
STRETCH_VIEW = View(yaw=0, pitch=55)
ROLL = 85
LIFT_VIEW = View(yaw=-32, pitch=10)


def _bridge(end: bool) -> str:
    v, pose = BRIDGE_VIEW, _lying(hips_up=end)
    mat = _floor(v, -28, 88, -22, 22, MAT, MAT_EDGE, 2.5)
    over = ""
    if end:
        over = _guide(v, pose["shoulder_l"], pose["knee_l"], reach=12)
        hip = pose["hip_l"]
        (x0, y0, _), (x1, y1, _) = (v.project((hip[0] - 3, y, HIP_W + 14))
                                    for y in (1.5, hip[1] - 4))
        over += _arrow([(x0, y0), (x1, y1)])
    return _scene(_figure(pose, v), mat, over)


def _stretch(end: bool) -> str:
    v = STRETCH_VIEW
    start = _lying(arms_out=True)
    pose = _rolled(start, ROLL) if end else start
    mat = _floor(v, -30, 90, -62, 62, MAT, MAT_EDGE, 2.5) + _shadow(v, pose)
    over = ""
    if end:  # round the hips, from the knees of the start to the knees of the end
        hx, hy, _ = v.project(start["hip_l"])
        ends = []
        for p in (start["knee_l"], pose["knee_l"]):
            x, y, _ = v.project(p)
            d = math.hypot(x - hx, y - hy)
            ends.append((x + (x - hx) / d * 8, y + (y - hy) / d * 8))
        (x0, y0), (x1, y1) = ends
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        d = math.hypot(mx - hx, my - hy)
        bulge = 0.3 * math.hypot(x1 - x0, y1 - y0)
        mid = (mx + (mx - hx) / d * bulge, my + (my - hy) / d * bulge)
        pts = [((1 - t) ** 2 * x0 + 2 * t * (1 - t) * mid[0] + t * t * x1,
                (1 - t) ** 2 * y0 + 2 * t * (1 - t) * mid[1] + t * t * y1)
               for t in (k / 10 for k in range(11))]
        over = _arrow(pts[:-1])
    # Rolled over to the left, the right leg lies on top.
    light = ("arm_r", "leg_l") if end else ("arm_r", "leg_r")
    return _scene(_figure(pose, v, light), mat, over)


def _deadlift(end: bool) -> str:
    v, pose = LIFT_VIEW, _lifting(standing=end)
    bar_y = pose["hand_l"][1] if end else PLATE_R
    platform = _floor(v, -32, 32, -60, 60, WOOD, WOOD_EDGE, 3)
    parts = _figure(pose, v) + _barbell(v, pose["hand_l"][0], bar_y)
    over = ""
    if end:
        x, y, _ = v.project((pose["hand_l"][0] + 24, PLATE_R + 6, 70))
        x1, y1, _ = v.project((pose["hand_l"][0] + 24, bar_y - 4, 70))
        over = _arrow([(x, y), (x1, y1)])
    else:  # a straight edge laid along the spine, on the back
        h, s = (tuple((a + b) / 2 for a, b in zip(pose[f"{j}_l"], pose[f"{j}_r"], strict=True))
                for j in ("hip", "shoulder"))
        d = math.hypot(s[0] - h[0], s[1] - h[1])
        up = (-(s[1] - h[1]) / d * (W_TORSO / 2 + 6), (s[0] - h[0]) / d * (W_TORSO / 2 + 6))
        over = _guide(v, (h[0] + up[0], h[1] + up[1], 0), (s[0] + up[0], s[1] + up[1], 0),
                      reach=4)
    return _scene(parts, platform, over)


_PANEL_DRAWERS = {"glute_bridge": _bridge, "rotational_stretch": _stretch,
                  "deadlift": _deadlift}
TOP, MARGIN, MAX_SCALE = 45, 7, 1.6  # the labels' band; the space kept round a drawing
_NUMBER = r"(-?\d+(?:\.\d+)?)"


def _bounds(svg: str) -> tuple[float, float, float, float]:
    """The box round every path point and circle of a panel's markup (strokes aside)."""
    xs, ys = [], []
    for d in re.findall(r" d='([^']*)'", svg):
        nums = [float(n) for n in re.findall(_NUMBER, d)]
        xs += nums[0::2]
        ys += nums[1::2]
    for cx, cy, r in re.findall(rf"cx='{_NUMBER}' cy='{_NUMBER}' r='{_NUMBER}'", svg):
        xs += [float(cx) - float(r), float(cx) + float(r)]
        ys += [float(cy) - float(r), float(cy) + float(r)]
    return min(xs), min(ys), max(xs), max(ys)


def _fit(bodies: Sequence[str]) -> tuple[float, float, float]:
    """One scale and offset for a drawing's panels (so the floor stays put from one to
    the next): as large as fits below the labels, centred, standing on the bottom."""
    boxes = [_bounds(b) for b in bodies]
    x0, y0 = min(b[0] for b in boxes) - W_TORSO / 2, min(b[1] for b in boxes) - W_TORSO / 2
    x1, y1 = max(b[2] for b in boxes) + W_TORSO / 2, max(b[3] for b in boxes) + 2
    scale = min(MAX_SCALE, (PANEL_W - 2 * MARGIN) / (x1 - x0),
                (HEIGHT - TOP - MARGIN) / (y1 - y0))
    return scale, PANEL_W / 2 - scale * (x0 + x1) / 2, HEIGHT - MARGIN - scale * y1


def _check(key: str) -> str:
    if key not in _PANEL_DRAWERS:
        raise KeyError(f"no drawing for exercise {key!r}; there are {tuple(_PANEL_DRAWERS)}")
    return key


@cache
def exercise_svg(key: str) -> str:
    """The drawing of one exercise (an id of the catalogue) as a standalone SVG document:
    two panels, start and end position, with their labels.

    The markup has ``role="img"``, a ``<title>`` (the exercise's name) and a ``<desc>``
    (what the drawing shows), a ``viewBox`` and no width or height, so it fills the width
    of its box; it fetches nothing and runs nothing."""
    _check(key)
    name = exercise(key).name
    bodies = [_PANEL_DRAWERS[key](end) for end in (False, True)]
    scale, ox, oy = _fit(bodies)
    panels = []
    for i, (label, body) in enumerate(zip(PANELS[key], bodies, strict=True)):
        x = i * (PANEL_W + GAP)
        panels.append(
            f"<g><rect x='{x}' y='0' width='{PANEL_W}' height='{HEIGHT}' rx='8' "
            f"fill='#ffffff' stroke='#c9d2da' stroke-width='1'/>"
            f"<g transform='translate({_fmt(x + ox)} {_fmt(oy)}) scale({scale:.3f})'>"
            f"{body}</g>"
            f"{_label(x + 9, 19, f'{i + 1} {label}')}"
            f"{_label(x + 9, 36, NOTES[key][i], weight=400)}</g>")
    arrow = (f"<path d='M{PANEL_W - 3} {HEIGHT / 2 - 7} l8 7 l-8 7 Z' fill='#1f2933' "
             f"stroke='#ffffff' stroke-width='1.5'/>")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {HEIGHT}' "
            f"role='img' class='ex-drawing'>"
            f"<title>{html.escape(name)}: start and end position</title>"
            f"<desc>{html.escape(DESCRIPTIONS[key])}</desc>{''.join(panels)}{arrow}</svg>")


# -- cards for the page and the sheet -------------------------------------------------------
#: The cards' style, scoped to the ``ex-`` classes: a row of three cards (each drawing at
#: least 320 px wide) that wraps, and is one column in a box under about 700 px.
CARDS_CSS = """
.ex-cards-row { display: grid; gap: 12px; margin: 0; padding: 0;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); }
.ex-card { margin: 0; padding: 10px; border: 1px solid #c9d2da; border-radius: 8px;
  background: #fff; color: #1f2933; break-inside: avoid; page-break-inside: avoid; }
.ex-card svg { display: block; width: 100%; height: auto; max-width: 460px; margin: 0 auto; }
.ex-card figcaption { margin: 6px 0 0; }
.ex-card .ex-name { display: block; font-weight: 700; font-size: 1.05em; margin: 0 0 4px; }
.ex-card .ex-cues { margin: 0; padding: 0 0 0 1.3em; line-height: 1.35; }
.ex-card .ex-cues li { margin: 0 0 2px; }
"""


def exercise_card_html(key: str) -> str:
    """One exercise as a figure: its drawing, its name (from the catalogue) and its three
    cues as a list."""
    _check(key)
    cues = "".join(f"<li>{html.escape(c)}</li>" for c in CUES[key])
    return (f"<figure class='ex-card' data-exercise='{key}'>{exercise_svg(key)}"
            f"<figcaption><strong class='ex-name'>{html.escape(exercise(key).name)}</strong>"
            f"<ul class='ex-cues'>{cues}</ul></figcaption></figure>")


def exercise_cards_html(keys: Sequence[str] = EXERCISE_IDS, *, css: bool = True) -> str:
    """The cards of ``keys`` (all three, in plan order, by default) in a row that wraps to
    one column when narrow; with their style unless ``css=False`` (a page that carries
    ``CARDS_CSS`` itself)."""
    return _cards(tuple(keys), css)


@cache
def _cards(keys: tuple[str, ...], css: bool) -> str:
    style = f"<style>{CARDS_CSS}</style>" if css else ""
    cards = "".join(exercise_card_html(k) for k in keys)
    return f"{style}<div class='ex-cards'><div class='ex-cards-row'>{cards}</div></div>"


def write_svgs(folder: str | Path) -> list[Path]:
    """Write each drawing to ``folder/<id>.svg`` (the README's pictures); returns the paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for key in EXERCISE_IDS:
        path = out / f"{key}.svg"
        path.write_text(exercise_svg(key) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m planner.drawings FOLDER  (writes FOLDER/<exercise>.svg)")
    for written in write_svgs(sys.argv[1]):
        print(written)
