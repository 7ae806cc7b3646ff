"""Chains of blocks on logs written the way people write them.

Plan -> log -> next block -> log -> next block ..., three to five blocks. Each block's log
is a real file: a Strong CSV export (read with ``unit="kg"``) or our own log template,
filled in. ``next_block`` gets the whole history as a list of Logs: one file a block, or
cumulative exports (each Strong export repeats the history before it).

Hypothesis draws the habits real people have, block by block: a mistyped load on one
set (450 for 45, a load in lb in a kg log), pain written as "9/10", "7,5", "pain 6",
"6 out of 10", "3-4" or in words nobody can read, notes in four languages (a few of them
symptoms, most of them not), a top set or a pyramid before the working sets, warm-ups
logged as ordinary sets, a long layoff between blocks, sessions logged after midnight
and a plan whose deadlift loads were lowered by hand.

Every expected value is worked out here from what was generated (the athlete's real
loads, the pain and notes written, the days), by the rules as the module docstrings
state them, never from the planner's own output:

1. the cap: no deadlift load of a new block above 1.10 x the heaviest real working load
   of the 28 days before it (rounded up to the 2.5 kg step, or one step above), and no
   load that a typo could have given;
2. a stop (pain of 7 or more, a symptom note) not followed by 2 calm programme weeks
   running holds the deadlift: the hold names the week, the load is not above the last
   real working load, and an urgent sign says "Urgent";
3. a week whose only pain text is unreadable is never "within rules";
4. no deadlift the day after the last one (late-night sessions belong to the evening);
5. a layoff of 112 days or more restarts at 50 % or less (or the bar), 14 days or more
   at 90 % or less;
6. a plan edited by hand: the block starts no higher than the edited load, said so;
7. every block generates; every row read is imported or reported; and each set of
   the history counts once, however many exports repeat it.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

import planner
from planner.history import join_history
from planner.logs.template import write_log_template
from tests.conftest import examples

BAR = 20.0
STEP = 2.5  # the smallest load step of the standard kg plates (two 1.25 kg plates)
FIRST_DAY = date(2015, 1, 5)  # a Monday: five blocks and four 600-day layoffs end in 2023

STRONG_HEADER = ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight",
                 "Reps", "Distance", "Seconds", "Notes", "Workout Notes", "RPE"]
STRONG_NAMES = {"deadlift": "Deadlift (Barbell)", "glute_bridge": "Glute Bridge",
                "rotational_stretch": "Lying Lower Back Rotational Stretch"}

# --- what people write ----------------------------------------------------------------------

#: Notes that are only notes.
ORDINARY_NOTES = ("felt good", "leg day", "grip gave out", "new shoes", "a bit stiff",
                  "Beintag", "alles gut", "buen entreno", "cansado hoy", "bonne séance",
                  "tout va bien")
#: Notes that tell of a nerve-root sign in a leg: a stop.
SYMPTOM_NOTES = ("numb toes", "Kribbeln im Fuß", "hormigueo en la pierna",
                 "fourmillements dans le pied", "pins and needles down my leg",
                 "Schmerz strahlt ins Bein aus", "dolor que baja por la pierna")
#: Notes that tell of a cauda equina sign: a stop, and urgent.
URGENT_NOTES = ("saddle numbness", "can't pee properly", "Taubheit im Gesäß",
                "no puedo orinar bien", "anesthésie en selle")
#: Pain written in words without a score: nobody can read it.
UNREADABLE_PAIN = ("sore", "meh", "bad", "better")
PAIN_COLUMNS = ("pain_during", "pain_after", "pain_next_morning")


def pain_text(value: float, style: str) -> str:
    """``value`` (0-10, whole or half) written as people write it; reads back as
    ``value`` (a range's higher end counts)."""
    whole = value == int(value)
    v = f"{int(value)}" if whole else f"{value:g}"
    if style == "comma" and not whole:
        return v.replace(".", ",")
    if style == "slash":
        return f"{v}/10"
    if style == "prefix":
        return f"pain {v}"
    if style == "out_of":
        return f"{v} out of 10"
    if style == "range" and whole and value >= 1:
        return f"{int(value) - 1}-{int(value)}"
    return v


PAIN_STYLES = ("plain", "comma", "slash", "prefix", "out_of", "range")


# --- the habits, drawn per block ------------------------------------------------------------

@dataclass(frozen=True)
class Habits:
    """How one block was done and logged."""

    fmt: str                      # "strong" or "template"
    typo: str | None              # None, "decimal" (450 for 45) or "lb" (lb in a kg log)
    typo_at: float                # where in the block (0-1) the typo falls
    extra: str | None             # None, "top" (1 x 10 heavier) or "pyramid", before the work
    warmups: bool                 # warm-ups logged as ordinary sets
    late: tuple[tuple[float, int], ...]       # (where, minutes after midnight) sessions
    pain_every_session: bool      # template: a calm score each session
    pain_style: str               # how the calm scores are written
    flares: tuple[tuple[float, str, float, str], ...]   # (where, column, value, style)
    unreadable: tuple[tuple[float, str], ...]           # (where, words)
    notes: tuple[tuple[float, str, str], ...]           # (where, kind, text)
    note_on: str                  # strong: "set" (Notes) or "workout" (Workout Notes)
    blank_load: bool              # template: done load left empty (the planned load used)
    skip_stretch_days: bool       # some stretch-only days not logged
    edit: tuple[float, float] | None   # (from where, factor): deadlift loads lowered by hand
    layoff: int                   # days without training after the block


where = st.floats(0, 1, allow_nan=False)
notes_ = st.one_of(
    st.tuples(where, st.just("ordinary"), st.sampled_from(ORDINARY_NOTES)),
    st.tuples(where, st.just("symptom"), st.sampled_from(SYMPTOM_NOTES)),
    st.tuples(where, st.just("urgent"), st.sampled_from(URGENT_NOTES)))
flare_ = st.tuples(where, st.sampled_from(PAIN_COLUMNS),
                   st.sampled_from([6.0, 7.0, 7.5, 8.0, 9.0, 10.0]),
                   st.sampled_from(PAIN_STYLES)).filter(
    # next-morning 6 may be within its rule (baseline + 1): keep the oracle's "calm" exact
    lambda f: not (f[1] == "pain_next_morning" and f[2] < 7))
layoff_ = st.one_of(st.just(0), st.sampled_from([13, 14, 27, 28, 56, 111, 112, 200, 600]),
                    st.integers(0, 600))


@st.composite
def habits(draw) -> Habits:
    return Habits(
        fmt=draw(st.sampled_from(["strong", "template"])),
        typo=draw(st.sampled_from([None, "decimal", "lb"])),
        typo_at=draw(where),
        extra=draw(st.sampled_from([None, "top", "pyramid"])),
        warmups=draw(st.booleans()),
        late=tuple(draw(st.lists(st.tuples(where, st.integers(5, 210)), max_size=3))),
        pain_every_session=draw(st.booleans()),
        pain_style=draw(st.sampled_from(PAIN_STYLES)),
        flares=tuple(draw(st.lists(flare_, max_size=2))),
        unreadable=tuple(draw(st.lists(st.tuples(where, st.sampled_from(UNREADABLE_PAIN)),
                                       max_size=2))),
        notes=tuple(draw(st.lists(notes_, max_size=4))),
        note_on=draw(st.sampled_from(["set", "workout"])),
        blank_load=draw(st.booleans()),
        skip_stretch_days=draw(st.booleans()),
        edit=draw(st.none() | st.tuples(st.floats(0.3, 1.0), st.sampled_from([0.7, 0.8, 0.9]))),
        layoff=draw(layoff_),
    )


@st.composite
def first_configs(draw) -> planner.PlanConfig:
    days = draw(st.sampled_from([("mon", "wed", "fri"), ("tue", "thu", "sat"),
                                 ("mon", "tue", "thu", "fri"), ("wed", "sun")]))
    return planner.PlanConfig(
        weeks=draw(st.integers(4, 7)), training_days=days,
        start_date=FIRST_DAY + timedelta(days=draw(st.integers(0, 6))),
        rep_range=draw(st.sampled_from([(10, 15), (8, 12), (6, 10)])),
        deadlift_start_load=float(draw(st.sampled_from([20, 40, 60, 80, 100]))),
        deadlift_sessions_per_week=draw(st.integers(1, 2)),
        deadlift_progression=draw(st.sampled_from(["double", "linear"])),
        volume=draw(st.sampled_from([0.5, 1.0])),
        deload_every=draw(st.sampled_from([None, 3, 4])))


# --- what the athlete did: the ground truth -------------------------------------------------

@dataclass
class DSet:
    """One deadlift set as done and as logged."""

    load: float          # the real load [kg]
    reps: int
    kind: str            # "warmup" (logged as an ordinary set), "pyramid", "top", "work"
    logged: float        # the load written in the log [kg]

    @property
    def typo(self) -> bool:
        return abs(self.logged - self.load) > 1e-9


@dataclass
class Session:
    """One training day as done and logged."""

    day: date                            # the training day
    at: datetime                         # when the app says it started
    phase: str
    rows: pd.DataFrame                   # the plan's rows of the day (edited plan)
    dl: list[DSet] = field(default_factory=list)
    pain: dict[str, str] = field(default_factory=dict)  # column -> text written
    note: str = ""
    note_kind: str = ""                  # "", "ordinary", "symptom", "urgent"
    block: int = 0

    # What the pain written says (the oracle's reading, by construction of the texts).
    def scores(self) -> list[float]:
        out = []
        for text in self.pain.values():
            if text not in UNREADABLE_PAIN:
                out.append(_value_of(text))
        return out

    @property
    def unreadable(self) -> bool:
        return any(t in UNREADABLE_PAIN for t in self.pain.values())

    @property
    def stop(self) -> bool:
        return any(s >= 7 for s in self.scores()) or self.note_kind in ("symptom", "urgent")

    def working_load(self, rep_min: int) -> float | None:
        """The day's working load by the documented rule: of the sets not marked warm-up
        (warm-ups logged as ordinary sets count as such) with at least ``rep_min`` reps, the
        load most of them were done at, the heavier on a tie; typos are not seen."""
        cand = [s.load for s in self.dl if not s.typo and s.reps >= rep_min]
        if not cand:
            return None
        counts: dict[float, int] = {}
        for x in cand:
            counts[x] = counts.get(x, 0) + 1
        return max(counts, key=lambda x: (counts[x], x))


def _value_of(text: str) -> float:
    """The score a text of ``pain_text`` was written for."""
    t = text.replace(",", ".").replace("pain ", "").replace(" out of 10", "").replace("/10", "")
    return float(t.split("-")[-1])


def _at(where_: float, n: int) -> int:
    return min(n - 1, int(where_ * n))


def _round_down(x: float) -> float:
    return max(BAR, math.floor(x / STEP + 1e-9) * STEP)


def _epley(load: float, reps: int) -> float:
    return load * (1 + reps / 30) if reps > 1 else load


def perform(plan: planner.Plan, h: Habits, block: int, earlier: list[Session],
            rep_min: int) -> list[Session]:
    """The sessions of ``plan`` as the athlete did and logged them under habits ``h``."""
    t = plan.table
    sessions: list[Session] = []
    for _, rows in t.groupby("session_id", sort=False):
        day = pd.Timestamp(rows["date"].iloc[0]).date()
        is_dl = (rows["exercise"] == "deadlift").any()
        if h.skip_stretch_days and not is_dl and len(sessions) % 3 == 2:
            continue
        evening = datetime.combine(day, datetime.min.time()) + timedelta(hours=18, minutes=30)
        s = Session(day=day, at=evening, phase=str(rows["phase"].iloc[0]), rows=rows, block=block)
        if is_dl:
            d = rows[rows["exercise"] == "deadlift"]
            w = float(d["load_kg"].iloc[0])
            if h.fmt == "strong" and h.warmups:
                s.dl += [DSet(_round_down(w * f), r, "warmup", _round_down(w * f))
                         for f, r in ((0.5, 5), (0.75, 3), (1.0, 2))]
            if h.fmt == "strong" and h.extra == "pyramid":
                s.dl += [DSet(_round_down(w * f), rep_min, "pyramid", _round_down(w * f))
                         for f in (0.7, 0.85)]
            if h.fmt == "strong" and h.extra == "top":
                top = w + max(STEP, math.ceil(0.1 * w / STEP) * STEP)
                reps = 10 if rep_min <= 10 else rep_min
                s.dl.append(DSet(top, reps, "top", top))
            s.dl += [DSet(float(r["load_kg"]), int(r["target_reps"]), "work",
                          float(r["load_kg"])) for _, r in d.iterrows()]
        sessions.append(s)
    # After midnight: the app dates the session on the next calendar day.
    if h.fmt == "strong":
        for w_, minutes in h.late:
            s = sessions[_at(w_, len(sessions))]
            s.at = datetime.combine(s.day + timedelta(days=1), datetime.min.time()) \
                + timedelta(minutes=minutes)
    # Pain (the template has the columns), notes.
    if h.fmt == "template":
        for s in sessions:
            if h.pain_every_session:
                calm = float((s.day.toordinal() * 7 + block) % 4)  # 0-3
                s.pain = {c: pain_text(calm, h.pain_style) for c in PAIN_COLUMNS}
        for w_, col, value, style in h.flares:
            sessions[_at(w_, len(sessions))].pain[col] = pain_text(value, style)
        for w_, words in h.unreadable:
            s = sessions[_at(w_, len(sessions))]
            s.pain = {c: words for c in PAIN_COLUMNS} if not s.pain else \
                {**s.pain, "pain_during": words}
    for w_, kind, text in h.notes:
        s = sessions[_at(w_, len(sessions))]
        if s.note_kind not in ("symptom", "urgent") or kind == "urgent":
            s.note, s.note_kind = text, kind
    _mistype(sessions, h, earlier)
    return sessions


def _mistype(sessions: list[Session], h: Habits, earlier: list[Session]) -> None:
    """One set's load mistyped, where by the documented rule it is a probable typo: an
    e1RM more than 1.5 x the best daily median e1RM within 28 days either side (its own
    day, typo included), and no other set within 28 days within 1.25 x of it."""
    if h.typo is None:
        return
    dl_sessions = [s for s in sessions if s.dl]
    if not dl_sessions:
        return
    s = dl_sessions[_at(h.typo_at, len(dl_sessions))]
    target = next(x for x in s.dl if x.kind == "work")
    typed = target.load * 10 if h.typo == "decimal" else round(target.load / 0.45359237, 1)
    before = target.logged
    target.logged = typed
    every = [x for x in earlier + sessions if x.dl]
    near = [x for x in every if abs((x.day - s.day).days) <= 28]
    ref = max(pd.Series([_epley(y.logged, y.reps) for y in x.dl]).median() for x in near)
    mine = _epley(typed, target.reps)
    others = [_epley(y.logged, y.reps) for x in near for y in x.dl if y is not target]
    if not (mine > 1.5 * ref and all(o * 1.25 < mine for o in others)):
        target.logged = before  # not a typo by the rule: the athlete typed it right


# --- the files ------------------------------------------------------------------------------

def _strong_rows(s: Session, h: Habits) -> list[list]:
    """The day's rows of a Strong export; a set note on the first deadlift set (else on
    the day's first set), a workout note on every row (as Strong writes it)."""
    when = s.at.strftime("%Y-%m-%d %H:%M:%S")
    wnote = s.note if h.note_on == "workout" else ""

    def row(exercise, n, weight, reps, seconds=0):
        return [when, "Lower back", "45m", STRONG_NAMES[exercise], n, f"{weight:.1f}",
                reps, 0, seconds, "", wnote, ""]

    out = []
    for exercise in ("glute_bridge", "deadlift", "rotational_stretch"):
        r = s.rows[s.rows["exercise"] == exercise].to_dict("records")
        if exercise == "deadlift":
            out += [row("deadlift", i + 1, x.logged, x.reps) for i, x in enumerate(s.dl)]
        elif exercise == "glute_bridge":
            out += [row(exercise, i + 1, 0.0, int(x["target_reps"])) for i, x in enumerate(r)]
        else:
            out += [row(exercise, i + 1, 0.0, 0, int(x["target_hold_s"]))
                    for i, x in enumerate(r)]
    if s.note and h.note_on == "set":
        at = next((i for i, x in enumerate(out) if x[3] == STRONG_NAMES["deadlift"]), 0)
        out[at][9] = s.note
    return out


def write_strong(path, sessions: list[Session], habits_of: dict[int, Habits]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(STRONG_HEADER)
        for s in sessions:
            w.writerows(_strong_rows(s, habits_of[s.block]))


def write_template(path, plan: planner.Plan, sessions: list[Session], h: Habits) -> None:
    """Our template for ``plan``, filled in: the done rows of each session, its pain on its
    first row, its note on its first deadlift row (else its first row)."""
    write_log_template(plan, path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    by_session = {s.rows["session_id"].iloc[0]: s for s in sessions}
    for sid, idx in frame.groupby("session_id", sort=False).groups.items():
        s = by_session.get(sid)
        if s is None:
            continue  # not done: the rows stay empty (skipped)
        idx = list(idx)
        dl_rows = [i for i in idx if frame.at[i, "exercise"] == "deadlift"]
        for i in idx:
            ex = frame.at[i, "exercise"]
            if ex == "rotational_stretch":
                frame.at[i, "done_hold_s"] = frame.at[i, "target_hold_s"]
            else:
                frame.at[i, "done_reps"] = frame.at[i, "target_reps"]
        for i, x in zip(dl_rows, [x for x in s.dl if x.kind == "work"], strict=True):
            frame.at[i, "done_reps"] = str(x.reps)
            if x.typo or not h.blank_load:
                frame.at[i, "done_load_kg"] = f"{x.logged:g}"
        for col, text in s.pain.items():
            frame.at[idx[0], col] = text
        if s.note:
            frame.at[(dl_rows or idx)[0], "note"] = s.note
    frame.to_csv(path, index=False)


# --- the oracle -----------------------------------------------------------------------------

def _ceil_step(x: float) -> float:
    return math.ceil(x / STEP - 1e-9) * STEP


def _cap(top: float) -> float:
    """1.10 x ``top`` rounded up to the plate step, or the smallest step above it."""
    return max(_ceil_step(1.10 * top), top + STEP)


def _week(day: date, anchor: date, first_week: int) -> int:
    return first_week + (day - anchor).days // 7


def _last_working_load(history: list[Session], rep_min: int) -> float | None:
    """What a hold keeps and a layoff cuts from, by the documented rule: the heaviest
    working load of the 4 weeks up to the last working set, outside deload weeks."""
    build = [(s.day, s.working_load(rep_min)) for s in history
             if s.phase != "deload" and s.working_load(rep_min) is not None]
    if not build:
        return None
    last = max(d for d, _ in build)
    return max(w for d, w in build if (last - d).days < 28)


def _unsettled_stop(history: list[Session], anchor: date, first_week: int
                    ) -> tuple[int, bool] | None:
    """The last stop week and whether an urgent sign came in or after it, unless 2 programme
    weeks running after it were calm (scores all 5 or less, none unreadable, no symptom)."""
    stops = [s for s in history if s.stop]
    if not stops:
        return None
    last = max(_week(s.day, anchor, first_week) for s in stops)
    weeks: dict[int, list[Session]] = {}
    for s in history:
        weeks.setdefault(_week(s.day, anchor, first_week), []).append(s)

    def calm(w: int) -> bool:
        ss = weeks.get(w, [])
        scores = [x for s in ss for x in s.scores()]
        return bool(scores) and max(scores) <= 5 and not any(
            s.unreadable or s.note_kind in ("symptom", "urgent") for s in ss)

    if any(calm(w) and calm(w + 1) for w in weeks if w > last):
        return None
    urgent = any(s.note_kind == "urgent" and _week(s.day, anchor, first_week) >= last
                 for s in history)
    return last, urgent


def check_block(new: planner.Plan, plan: planner.Plan, history: list[Session], h: Habits,
                logs: list, rep_min: int) -> None:
    """The invariants of one new block, from what was generated."""
    t = new.table
    d = t[t["exercise"] == "deadlift"]
    assert len(d), new.notes
    sess = d.groupby("session_id", sort=False).agg(
        date=("date", "first"), load=("load_kg", "first"), phase=("phase", "first"))
    sess["date"] = pd.to_datetime(sess["date"]).dt.date
    first_day, first_load = sess["date"].iloc[0], float(sess["load"].iloc[0])
    start = pd.Timestamp(new.config.start_date).date()
    said = " | ".join(new.notes)

    # 1. The cap, session by session: real working loads of the 28 days before the block
    # and before the session, and the block's own earlier sessions as planned.
    real = [(s.day, x.load) for s in history for x in s.dl
            if not x.typo and x.reps >= rep_min]
    planned: list[tuple[date, float, bool]] = []
    for _, r in sess.iterrows():
        day, load = r["date"], float(r["load"])
        window = [x for dd, x in real if 0 < (start - dd).days <= 28 or 0 < (day - dd).days <= 28]
        window += [x for dd, x, _ in planned if 0 < (day - dd).days <= 28]
        # A return after a deload to the last build load planned is no increase.
        builds = [x for _, x, deload in planned if not deload]
        after_deload = bool(planned and planned[-1][2] and builds
                            and load <= builds[-1] + 1e-6)
        if window and not after_deload:
            top = max(window)
            assert load <= _cap(top) + 1e-6, (
                f"{day}: {load} kg above the cap {_cap(top)} of {top} kg", said)
        planned.append((day, load, r["phase"] == "deload"))
    typos = [x.logged for s in history for x in s.dl if x.typo]
    ever = max(x for _, x in real)
    for x in typos:
        if x > _cap(ever):
            assert float(d["load_kg"].max()) < x - 1e-6, (f"typo {x} kg in the plan", said)

    # 4. Never the day after the last deadlift (late sessions on their evening).
    last_dl = max(s.day for s in history if s.dl)
    assert (first_day - last_dl).days >= 2, (first_day, last_dl, said)

    last_ws = _last_working_load(history, rep_min)
    # 5. Layoffs.
    if last_ws is not None and h.layoff >= 112:
        assert first_load <= max(BAR, 0.5 * last_ws) + 1e-6, (
            f"after {h.layoff} days away: {first_load} kg, last working load {last_ws} kg",
            said)
    elif last_ws is not None and h.layoff >= 14:
        assert first_load <= max(BAR, 0.9 * last_ws) + 1e-6, (
            f"after {h.layoff} days away: {first_load} kg, last working load {last_ws} kg",
            said)

    # 2. Stop rules over the whole history, weeks counted from the plan the log followed.
    anchor = pd.Timestamp(plan.table["date"].min()).date()
    first_week = int(plan.table["week"].min())
    stop = _unsettled_stop(history, anchor, first_week)
    if stop is not None:
        week, urgent = stop
        hold = new.config.deadlift_hold
        assert hold is not None, (f"stop in week {week} not settled, no hold", said)
        weeks_said = [int(w) for w in re.findall(r"week (-?\d+)", hold)]
        assert weeks_said and max(weeks_said) >= week, (week, hold)
        assert last_ws is None or first_load <= last_ws + 1e-6, (first_load, last_ws, hold)
        if urgent:
            assert "Urgent" in hold, hold

    # 6. A plan edited by hand.
    made = planner.generate(plan.config).table
    made_dl = made[made["exercise"] == "deadlift"]["load_kg"].astype(float).to_numpy()
    mine = plan.table[plan.table["exercise"] == "deadlift"]
    if len(made_dl) == len(mine) and (abs(mine["load_kg"].astype(float).to_numpy() - made_dl)
                                      > 0.01).any():
        builds = mine[mine["phase"] != "deload"]
        in_force = _round_down(float((builds if len(builds) else mine)["load_kg"].iloc[-1]))
        assert first_load <= in_force + 1e-6, (first_load, in_force, said)
        assert "edited by hand" in said, said

    # 7. Every row read is imported or reported; each set counts once.
    for log in logs:
        assert log.rows_read == log.rows_imported + log.rows_rejected + log.rows_skipped, \
            log.path
    table = join_history(logs, "kg").table
    logged = sum(1 for s in history for x in s.dl if not x.typo)
    assert int((table["exercise"] == "deadlift").sum()) == logged, (
        "deadlift sets in the history", int((table["exercise"] == "deadlift").sum()), logged)


def check_unreadable_weeks(logs: list, plan: planner.Plan, history: list[Session]) -> None:
    """3. A week whose only pain texts are unreadable is never "within rules"."""
    pw = planner.analyse(logs, plan).pain_weeks
    if not len(pw):
        return
    starts = pd.to_datetime(pw["week_start"]).dt.date.tolist()
    by_week: dict[date, list[Session]] = {}
    for s in history:
        ws = next((w for w in starts if 0 <= (s.day - w).days < 7), None)
        if ws is not None:
            by_week.setdefault(ws, []).append(s)
    for ws, ss in by_week.items():
        texts = [x for s in ss for x in s.pain.values()]
        if texts and all(x in UNREADABLE_PAIN for x in texts):
            status = pw.loc[[w == ws for w in starts], "status"].iloc[0]
            assert status != "within rules", (ws, texts, pw.to_string())


# --- the chain ------------------------------------------------------------------------------

#: The habits of a block in which nothing unusual happens.
PLAIN = Habits(fmt="template", typo=None, typo_at=0.0, extra=None, warmups=False, late=(),
               pain_every_session=False, pain_style="plain", flares=(), unreadable=(),
               notes=(), note_on="set", blank_load=False, skip_stretch_days=False, edit=None,
               layoff=0)
#: The smallest chain found to break rule 5 (kept as an example so that it runs first and
#: fails fast): pain of 8/10 once, then 112 days away; the stop's hold keeps the last
#: working load (60 kg) where the layoff asks for at most half of it (30 kg).
STOP_THEN_LAYOFF = dict(
    config=planner.PlanConfig(weeks=4, training_days=("mon", "wed", "fri"),
                              start_date=FIRST_DAY, rep_range=(10, 15),
                              deadlift_start_load=60.0, deadlift_sessions_per_week=1,
                              deadlift_progression="double", volume=1.0, deload_every=None),
    blocks=[Habits(**{**PLAIN.__dict__, "flares": ((0.5, "pain_during", 8.0, "plain"),),
                      "layoff": 112}), PLAIN, PLAIN],
    cumulative=False)
#: The smallest chain found to break rule 2's "names the week": "numb toes" in week 1 and
#: "saddle numbness" in week 4 of a Strong log; the hold names week 1, not week 4.
TWO_STOPS = dict(
    config=planner.PlanConfig(weeks=4, training_days=("mon", "wed", "fri"),
                              start_date=FIRST_DAY, rep_range=(10, 15),
                              deadlift_start_load=20.0, deadlift_sessions_per_week=1,
                              volume=0.5, deload_every=None),
    blocks=[Habits(**{**PLAIN.__dict__, "fmt": "strong",
                      "notes": ((0.0, "symptom", "numb toes"),
                                (0.83, "urgent", "saddle numbness"))}), PLAIN, PLAIN],
    cumulative=False)


@settings(max_examples=examples(25), deadline=None)
@example(**STOP_THEN_LAYOFF)
@example(**TWO_STOPS)
@given(config=first_configs(), blocks=st.lists(habits(), min_size=3, max_size=5),
       cumulative=st.booleans())
def test_blocks_on_logs_written_with_real_habits(tmp_path_factory, config, blocks, cumulative):
    folder = tmp_path_factory.mktemp("chain")
    rep_min = config.rep_range[0]
    plan = planner.generate(config)
    history: list[Session] = []
    files: list = []            # the logs next_block is given
    strong_so_far: list[Session] = []
    habits_of: dict[int, Habits] = {}
    for k, h in enumerate(blocks):
        habits_of[k] = h
        if h.edit is not None:
            plan = _edit(plan, *h.edit)
        sessions = perform(plan, h, k, history, rep_min)
        history += sessions
        if h.fmt == "strong":
            strong_so_far += sessions
            path = folder / f"strong_{k}.csv"
            write_strong(path, strong_so_far if cumulative else sessions, habits_of)
            log = planner.read_log(path, unit="kg")
        else:
            path = folder / f"template_{k}.csv"
            write_template(path, plan, sessions, h)
            log = planner.read_log(path)
        files.append(log)
        last_day = max(s.day for s in history)
        today = last_day + timedelta(days=h.layoff + 1)
        new = planner.next_block(plan, list(files), today=today)
        check_block(new, plan, history, h, files, rep_min)
        check_unreadable_weeks(files, plan, history)
        plan = new


def _edit(plan: planner.Plan, at: float, factor: float) -> planner.Plan:
    """``plan`` with its deadlift loads from ``at`` (0-1) of its deadlift sessions on lowered
    by ``factor`` (to the plate step, at least the bar): a plan edited by hand."""
    t = plan.table.copy()
    dl = t["exercise"] == "deadlift"
    sids = list(dict.fromkeys(t.loc[dl, "session_id"]))
    lowered = set(sids[_at(at, len(sids)):])
    rows = dl & t["session_id"].isin(lowered)
    t.loc[rows, "load_kg"] = [_round_down(float(x) * factor) for x in t.loc[rows, "load_kg"]]
    return planner.Plan(t, plan.unit, plan.config, plan.notes)
