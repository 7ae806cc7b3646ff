"""Every reader over generated exports with many distinct texts in every text column.

A Strong export with more than 127 distinct set notes and any workout note once crashed
the reader: pandas gives a categorical with up to 126 categories int8 codes (int16 up
to 32,766, then int32), and sums of such codes overflowed. Here every text column of
every format the readers accept (Strong comma, semicolon, tab, unit in the header, a
unit column, no header; Hevy kg and lb; FitNotes kg and lb; our template) holds N
distinct texts, N crossing every size of the codes (1, 2, 126-129, 255-257, 1000,
32,767-32,769): N distinct texts as written and, around the sizes where the codes
change, N distinct texts as read (after the strip, where "note" and "note " are one).

The texts: several scripts and languages, accents and combining marks, emoji, commas,
semicolons and tabs (each file's delimiter among them), quotes, line ends inside
quoted cells, formula-like starts (= + - @ and our template's guarding apostrophe),
2,000-character texts, texts that differ only in case or in a trailing space, empty
and whitespace-only texts; hypothesis adds texts of any characters.

Properties, each against what the test wrote (never the reader's own output):

- rows read = the rows written = imported + rejected + skipped; the rejected rows are
  exactly those with an empty (or whitespace-only) exercise name;
- each imported set's note is what was written, stripped: the set's note, else its
  workout's (Strong); Hevy's exercise notes; our template's note without its guarding
  apostrophe; none where blank. The number of distinct notes is the number written;
- each set's workout name, exercise name as written and exercise id (the catalogue's
  names, any case, are read as the planner's exercise: "Deadlift (Barbell)"; others
  stay as written), our template's key and session, are what was written;
- the deadlift's loads and reps come through exactly;
- a CRLF file whose notes hold CRLF line ends (a Windows app's) leaves no carriage
  return in a note;
- the chunked reader (``iter_log``) reads the same rows, notes and counts;
- a file's delimiter is known from its first record however many of the other
  delimiters its quoted texts hold (a headerless export's first row is a set).
"""

from __future__ import annotations

import csv
import functools
import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.logs import read_log
from planner.logs.apps import STRONG_HEADERLESS
from planner.logs.stream import iter_log
from planner.logs.template import template_columns
from planner.units import KG_PER_LB
from tests.conftest import examples
from tests.paths import ROOT

# --- the texts ---------------------------------------------------------------------------

LONG = "Rückenschmerz, \"leicht\"; " * 80  # 2,000 characters
assert len(LONG) == 2000
SPECIAL = [
    # the delimiters, many times (first: a headerless export's first row holds them)
    ";".join("semicolons"), "\t".join("tabs, tabs"), "; ".join("abcdefghijklmnopqrstu"),
    "\t".join("abcdefghijklmnopqrstu"), ",".join("commas, commas"),
    # scripts and languages, accents, combining marks, emoji
    "Rücken fühlt sich gut an", "crème brûlée après", "Ñandú señor", "İstanbul ıi", "straße",
    "e\u0301te\u0301", "été",  # the same word decomposed and composed: two texts
    "腰が少し痛い", "허리 통증 없음", "боль в спине 2/10", "ألم أسفل الظهر", "כאב גב קל",
    "पीठ में दर्द", "ปวดหลังนิดหน่อย", "Ελαφρύς πόνος", "🏋️\u200d♀️ new PR!", "👍🏽👍🏿",
    "🔥" * 30, "\u200bzero width", "nbsp\u00a0inside",
    # delimiters and quotes (every delimiter the readers take, whatever the file's)
    "felt fine, pain 2", "62,5 kg; then 65", "tab\tinside", ",", ";", "\t x", '"', '""',
    'said "heavy"', "'single quotes'", 'a "quoted, delimited; cell"\twith tab',
    # line ends inside a quoted cell
    "line one\nline two", "\nstarts with a line end", "ends with a line end\n",
    "two\n\nblank lines\n\n",
    # formula-like starts, and our template's guard in front of them
    "=1+1", "=HYPERLINK(\"http://example.com\",\"x\")", "+44 20 7946 0000", "-5 kg", "@home",
    "'=SUM(A1:A2)", "'+1", "'-", "'@x", "'plain apostrophe",
    # long texts
    LONG, "ж" * 2000, "x" * 1999 + "\n",
    # case and trailing space; empty and whitespace-only
    "Note", "note", "NOTE", "Note ", " Note", "note  ", "", " ", "  ", "\t", " \t \n ",
    "\u00a0", "\u3000", "\n",
]
# the filler families: a number makes each text distinct
FAMILIES = [
    "Rückenschmerz {i}", "腰痛 {i} 回目", "боль {i}", "ألم {i}", "כאב {i}", "🏋️ {i} 💪🏽",
    "{i}, felt fine, pain 2", 'said "set {i}"', "{i};{i}\t{i}", "line {i}\nnext line",
    "={i}+1", "+{i}", "-{i} kg", "@{i}", "'={i}", "Case {i}", "case {i}", "CASE {i} ",
    " padded {i} ", "two lines {i}\n\nend",
]
DEADLIFTS = ["Deadlift (Barbell)", "deadlift (barbell)", "DEADLIFT", " Deadlift (Barbell) ",
             "Deadlift (Barbell) ", "Barbell Deadlift", "Deadlift"]


def normal(text: str) -> str:
    """A cell as the readers are documented to read it: stripped (and a CRLF a LF)."""
    return text.replace("\r\n", "\n").strip()


def filler(i: int) -> str:
    """The i-th filler text (distinct for every i, as written and stripped); every 997th
    a 2,000-character one."""
    text = FAMILIES[i % len(FAMILIES)].format(i=i)
    if i % 997 == 5:
        text = (f"{i} long text, " + "y" * 2000)[:2000]
    return text


def pool(n: int, first: list[str], kind: str) -> list[str]:
    """``n`` distinct texts, ``first`` first, then fillers. ``kind`` "written": ``n`` distinct
    as written; "read": ``n`` distinct non-blank texts once stripped, and on top every
    blank text of ``first`` and every one that reads like an earlier one ("Note ")."""
    out, seen, read = [], set(), set()
    texts = itertools.chain(first, (filler(i) for i in itertools.count()))
    for j, text in enumerate(texts):
        if text in seen:
            continue
        if kind == "written":
            if len(out) == n:
                break
        elif len(read) == n and normal(text) and normal(text) not in read:
            if j >= len(first):
                break
            continue
        out.append(text)
        seen.add(text)
        if normal(text):
            read.add(normal(text))
    return out


# --- the formats ----------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    fmt: str
    head: list[str] | None  # None: no header row (Strong's headerless export)
    delimiter: str
    unit: str | None = None  # what the test passes (the file does not say)
    quote_all: bool = False


STRONG_PLAIN = ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight",
                "Reps", "Distance", "Seconds", "Notes", "Workout Notes", "RPE"]
STRONG_KG = ["Workout #", "Date", "Workout Name", "Duration (sec)", "Exercise Name",
             "Set Order", "Weight (kg)", "Reps", "RPE", "Distance (meters)", "Seconds", "Notes",
             "Workout Notes"]
STRONG_LBS = ["Date", "Workout Name", "Exercise Name", "Set Order", "Weight (lbs)", "Reps",
              "Notes", "Workout Notes"]
STRONG_UNITS = ["Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Weight Unit",
                "Reps", "RPE", "Distance", "Distance Unit", "Seconds", "Notes", "Workout Notes"]
HEVY_HEAD = ["title", "start_time", "end_time", "description", "exercise_title",
             "superset_id", "exercise_notes", "set_index", "set_type", "weight_kg", "reps",
             "distance_km", "duration_seconds", "rpe"]
FITNOTES_HEAD = ["Date", "Exercise", "Category", "Weight (kgs)", "Reps", "Distance",
                 "Distance Unit", "Time", "Comment"]

VARIANTS = {
    "strong": Variant("strong", STRONG_PLAIN, ",", unit="kg"),
    "strong-kg-semicolon": Variant("strong", STRONG_KG, ";", quote_all=True),
    "strong-lbs-tab": Variant("strong", STRONG_LBS, "\t"),
    "strong-unit-column": Variant("strong", STRONG_UNITS, ","),
    # quoted: without a header, the first row says the delimiter (an unquoted note with
    # more semicolons than the row has commas would make the file itself ambiguous)
    "strong-headerless": Variant("strong", None, ",", quote_all=True),
    "hevy-kg": Variant("hevy", HEVY_HEAD, ",", quote_all=True),
    "hevy-lbs": Variant("hevy", [h.replace("weight_kg", "weight_lbs") for h in HEVY_HEAD], ","),
    "fitnotes-kgs": Variant("fitnotes", FITNOTES_HEAD, ","),
    "fitnotes-lbs-semicolon": Variant("fitnotes", [h.replace("(kgs)", "(lbs)")
                                                   for h in FITNOTES_HEAD], ";"),
    "template": Variant("template", template_columns("kg"), ","),
}
# the text columns of each format: each holds N distinct texts
TEXT_COLUMNS = {"strong": ("workout", "exercise", "note", "workout_note"),
                "hevy": ("workout", "exercise", "note", "other"),
                "fitnotes": ("exercise", "other", "other2"),
                "template": ("exercise", "note", "key", "session", "other", "other2")}
LOADS = ("60", "62.5", "65.0", "67.5", "70")  # within the plausible steps of one another


def _aliases() -> dict[str, str]:
    """The catalogue's app names (folded) -> the planner's exercise, from its data file."""
    with open(ROOT / "data" / "exercise_aliases.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    return {name.strip().casefold(): ex.strip() for name, ex in rows[1:]}


ALIASES = _aliases()


@dataclass
class Row:
    """One data row as written, and what the readers must make of it."""

    line: int
    texts: dict[str, str]
    load: str
    reps: str
    lb: bool

    def exercise_text(self, fmt: str) -> str:
        return _unguard(normal(self.texts["exercise"])) if fmt == "template" else \
            normal(self.texts["exercise"])


def _unguard(text: str) -> str:
    """Our template's reading of a guarded cell: "'=x" is "=x" (planner.files.cells)."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") \
        else text


def joined(own: str, workout: str) -> str | None:
    """A set's note and its workout's as the readers give them: both, joined, when both
    are written; else the one that is."""
    return f"{own} | {workout}" if own and workout else own or workout or None


def expected_note(fmt: str, texts: dict[str, str]) -> str | None:
    if fmt == "strong":  # the set's note and the workout's, both read
        return joined(normal(texts["note"]), normal(texts["workout_note"]))
    if fmt == "hevy":  # the exercise note and the workout's description
        return joined(normal(texts["note"]), normal(texts["other"]))
    if fmt == "template":
        return _unguard(normal(texts["note"])) or None
    return normal(texts["other2"]) or None  # FitNotes' Comment


@functools.cache
def _cell(text: str, delimiter: str, quote_all: bool) -> str:
    if quote_all or any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


@functools.cache
def _times(n_rows: int) -> dict[str, list[str]]:
    """Each row's time, as each format writes it: row i on day i % 300, a minute later
    every 300 rows (Hevy's workouts end 53 minutes after they start)."""
    when = [datetime(2024, 1, 1, 7, 0) + timedelta(days=i % 300, minutes=(i // 300) % 600)
            for i in range(n_rows)]
    hevy = [f"{w.day} {w:%b %Y, %H:%M}" for w in when]
    ends = [w + timedelta(minutes=53) for w in when]
    return {"iso": [w.strftime("%Y-%m-%d %H:%M:%S") for w in when],
            "day": [w.strftime("%Y-%m-%d") for w in when], "start": hevy,
            "end": [f"{w.day} {w:%b %Y, %H:%M}" for w in ends]}


def _columns(v: Variant, n_rows: int, t: dict[str, list[str]], load: list[str],
             reps: list[str], lb: list[bool]) -> list[list[str]]:
    """The file's columns (a list of cells each, in the header's order)."""
    when = _times(n_rows)
    rows = range(n_rows)
    same = {"": [""] * n_rows}

    def const(text: str) -> list[str]:
        return same.setdefault(text, [text] * n_rows)

    if v.fmt == "strong":
        values = {"Date": when["iso"], "Workout Name": t["workout"], "Duration": const("1h 6m"),
                  "Exercise Name": t["exercise"], "Set Order": [str(i % 5 + 1) for i in rows],
                  "Weight": load, "Weight (kg)": load, "Weight (lbs)": load,
                  "Weight Unit": ["lbs" if x else "kg" for x in lb], "Reps": reps,
                  "Notes": t["note"], "Workout Notes": t["workout_note"],
                  "Workout #": [str(i // 7 + 1) for i in rows],
                  "Duration (sec)": const("3960"), "Distance": const("0"),
                  "Distance Unit": const("km"), "Seconds": const("0"), "RPE": const(""),
                  "Distance (meters)": const("")}
        return [values[h] for h in v.head or STRONG_HEADERLESS]
    if v.fmt == "hevy":
        values = {"title": t["workout"], "start_time": when["start"], "end_time": when["end"],
                  "description": t["other"], "exercise_title": t["exercise"],
                  "superset_id": const(""), "exercise_notes": t["note"],
                  "set_index": [str(i % 5) for i in rows], "set_type": const("normal"),
                  "weight_kg": load, "weight_lbs": load, "reps": reps,
                  "distance_km": const(""), "duration_seconds": const(""), "rpe": const("")}
        return [values[h] for h in v.head]
    if v.fmt == "fitnotes":
        values = {"Date": when["day"], "Exercise": t["exercise"], "Category": t["other"],
                  "Weight (kgs)": load, "Weight (lbs)": load, "Reps": reps,
                  "Distance": const(""), "Distance Unit": const(""), "Time": const(""),
                  "Comment": t["other2"]}
        return [values[h] for h in v.head]
    values = {"key": t["key"], "week": const("1"), "day": const("1"), "date": when["day"],
              "weekday": const("Mon"), "session_id": t["session"], "exercise": t["exercise"],
              "set": [str(i % 5 + 1) for i in rows], "side": const("both"),
              "target_reps": const("10"), "load_kg": const("60.0"), "plates": t["other"],
              "rest_s": const("120"), "phase": t["other2"], "done_reps": reps,
              "done_load_kg": load, "note": t["note"]}
    return [values.get(h, const("")) for h in v.head]


def _line_ends(text: str) -> int:
    """Line ends as an editor counts them (CRLF, LF or a lone CR)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def write_export(v: Variant, pools: dict[str, list[str]], eol: str, n_rows: int,
                 crlf_inside: bool = False) -> tuple[bytes, list[Row]]:
    """The file's bytes and its rows: row i holds text ``(65537 * i + offset) % len`` of each
    column's pool (65537 is prime, above every size: each column runs through its whole
    pool in any ``len`` rows, in its own order). ``crlf_inside``: the line ends inside
    cells written as CRLF too (as a Windows app writes them)."""
    texts = {}
    for k, (col, p) in enumerate(sorted(pools.items())):
        if crlf_inside:
            p = [x.replace("\n", "\r\n") for x in p]
        texts[col] = [p[(65537 * i + 31 * k) % len(p)] for i in range(n_rows)]
    load = [LOADS[i % len(LOADS)] for i in range(n_rows)]
    reps = [str(i % 12 + 1) for i in range(n_rows)]
    lb = [i % 3 == 1 for i in range(n_rows)]  # row 0 in kg: Strong's headerless export
    # is known by a unit in its first row
    columns = [[_cell(c, v.delimiter, v.quote_all) for c in col]
               for col in _columns(v, n_rows, texts, load, reps, lb)]
    records = [v.delimiter.join(cells) + eol for cells in zip(*columns, strict=True)]
    parts = records
    line = 1
    if v.head is not None:
        parts = [v.delimiter.join(_cell(h, v.delimiter, v.quote_all) for h in v.head) + eol,
                 *records]
        line = 2
    rows = []
    names = list(texts)
    for i, (record, *row_texts) in enumerate(zip(records, *texts.values(), strict=True)):
        rows.append(Row(line, dict(zip(names, row_texts, strict=True)), load[i], reps[i],
                        lb[i]))
        line += _line_ends(record)
    return "".join(parts).encode("utf-8"), rows


def make_pools(fmt: str, n: int, kind: str, extra: list[str] | None = None,
               order: list[str] | None = None) -> dict[str, list[str]]:
    """Each text column's pool of ``n`` texts: the special ones (in ``order``, and
    hypothesis' ``extra`` texts first), then fillers; exercises start with the
    catalogue's deadlift names."""
    specials = list(extra or []) + list(order or SPECIAL)
    pools = {}
    for k, col in enumerate(TEXT_COLUMNS[fmt]):
        first = specials[k % 7:] + specials[: k % 7]  # each column its own first texts
        if col == "exercise":
            first = DEADLIFTS[:1] + specials[:3] + DEADLIFTS[1:] + specials[3:]
        pools[col] = pool(n, first, kind)
    for col in ("workout", "note", "workout_note", "key", "session", "other", "other2"):
        pools.setdefault(col, [""])
    return pools


# --- reading and checking ----------------------------------------------------------------

def read_whole(path: Path, v: Variant):
    log = read_log(path, unit=v.unit)
    return log.table, log.report, log.rows_read, log.source_format


def read_chunked(path: Path, v: Variant, chunk_bytes: int):
    logs = list(iter_log(path, unit=v.unit, chunk_bytes=chunk_bytes))
    table = pd.concat([lg.table for lg in logs], ignore_index=True)
    report = pd.concat([lg.report for lg in logs], ignore_index=True)
    return table, report, sum(lg.rows_read for lg in logs), logs[0].source_format


def check(v: Variant, rows: list[Row], table: pd.DataFrame, report: pd.DataFrame,
          rows_read: int, fmt: str, *, no_cr: bool = False) -> None:
    """The properties of the module docstring, for one file read."""
    assert fmt == v.fmt
    # every row imported or reported: the rejected ones exactly the nameless
    nameless = {r.line for r in rows if not r.exercise_text(v.fmt)}
    kept = [r for r in rows if r.line not in nameless]
    rejected = set(report.loc[report["action"] == "rejected", "line"])
    skipped = set(report.loc[report["action"] == "skipped", "line"])
    assert rows_read == len(rows)
    assert rows_read == len(table) + len(rejected) + len(skipped)
    assert not skipped
    assert rejected == nameless, report[report["action"] == "rejected"].head(5).to_dict(
        "records")
    assert set(report.loc[report["rule"] == "exercise-empty", "line"]) == nameless
    got = table.set_index(table["source_line"].astype(int))
    assert got.index.is_unique and set(got.index) == {r.line for r in kept}
    got = got.loc[[r.line for r in kept]]
    # the texts
    if no_cr:
        with_cr = got["note"].dropna()
        with_cr = with_cr[with_cr.str.contains("\r", regex=False)]
        assert with_cr.empty, (f"{len(with_cr)} of {len(got)} notes keep a carriage return, "
                               f"e.g. line {with_cr.index[0]}: {with_cr.iloc[0]!r}")
    want_note = [expected_note(v.fmt, r.texts) for r in kept]
    _same(got["note"], want_note, "note", kept)
    assert got["note"].nunique() == len({n for n in want_note if n is not None})
    source = [r.exercise_text(v.fmt) for r in kept]
    _same(got["source_exercise"], source, "source_exercise", kept)
    _same(got["exercise"], [ALIASES.get(s.casefold(), s) for s in source], "exercise", kept)
    assert got["exercise"].nunique() == len({ALIASES.get(s.casefold(), s) for s in source})
    if v.fmt in ("strong", "hevy"):
        workout = [normal(r.texts["workout"]) or None for r in kept]
        _same(got["workout"], workout, "workout", kept)
        assert got["workout"].nunique() == len({w for w in workout if w is not None})
    else:
        assert got["workout"].isna().all()
    if v.fmt == "template":
        _same(got["key"], [_unguard(normal(r.texts["key"])) or None for r in kept], "key",
              kept)
        _same(got["session_id"], [_unguard(normal(r.texts["session"])) or None
                                  for r in kept], "session_id", kept)
    # the deadlift's loads and reps, exactly
    dl = [(r.line, float(r.load) * (KG_PER_LB if _in_lb(v, r) else 1.0), int(r.reps))
          for r, s in zip(kept, source, strict=True) if ALIASES.get(s.casefold()) == "deadlift"]
    assert dl, "every file has deadlift sets"
    at = [d[0] for d in dl]
    assert got.loc[at, "load_kg"].tolist() == [d[1] for d in dl]
    assert got.loc[at, "reps"].tolist() == [d[2] for d in dl]
    assert (got.loc[at, "exercise"] == "deadlift").all()


def _in_lb(v: Variant, r: Row) -> bool:
    """Whether the row's load is in lb: the header says so, or its unit column."""
    head = v.head or STRONG_HEADERLESS
    if "Weight Unit" in head:
        return r.lb
    return any("lbs" in h for h in head)


def _same(got: pd.Series, want: list, what: str, rows: list[Row]) -> None:
    values = [None if pd.isna(x) else x for x in got.tolist()]
    if values != want:
        bad = next(i for i, (a, b) in enumerate(zip(values, want, strict=True)) if a != b)
        raise AssertionError(f"{what} of line {rows[bad].line}: read {values[bad]!r}, "
                             f"expected {want[bad]!r} (written {rows[bad].texts})")


def roundtrip(tmp_path: Path, name: str, v: Variant, pools: dict[str, list[str]], eol: str,
              n_rows: int, *, chunks: int = 0, crlf_inside: bool = False) -> None:
    """Write the file, read it whole and check it; with ``chunks``, read it again in about
    as many chunks (``iter_log``; the formats it reads in chunks: with a header, not our
    template) and check that too."""
    data, rows = write_export(v, pools, eol, n_rows, crlf_inside)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    check(v, rows, *read_whole(path, v), no_cr=crlf_inside)
    if chunks and v.head is not None and v.fmt != "template":
        check(v, rows, *read_chunked(path, v, max(len(data) // chunks, 256)),
              no_cr=crlf_inside)


def n_rows_for(n: int) -> int:
    """Rows enough for every text of an ``n``-text pool (and a few repeated)."""
    return max(n + 3, 12)


# --- hypothesis: any texts, small and boundary sizes ---------------------------------------

SMALL = (1, 2, 126, 127, 128, 129, 255, 256, 257)
# any character but a surrogate, NUL (a "binary file") and CR (CRLF: its own test below)
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r"),
               max_size=40)


@pytest.mark.parametrize("name", sorted(VARIANTS))
@settings(max_examples=examples(6), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_texts_in_every_text_column(name, data, tmp_path_factory):
    v = VARIANTS[name]
    n = data.draw(st.sampled_from(SMALL), label="n")
    kind = data.draw(st.sampled_from(["written", "read"]), label="kind")
    extra = data.draw(st.lists(TEXT, max_size=12, unique=True), label="extra")
    order = data.draw(st.permutations(SPECIAL), label="order")
    eol = data.draw(st.sampled_from(["\n", "\r\n"]), label="eol")
    delimiter = data.draw(st.sampled_from([v.delimiter, ",", ";", "\t"]), label="delimiter")
    quote_all = v.quote_all or data.draw(st.booleans(), label="quote_all")
    v = Variant(v.fmt, v.head, delimiter, v.unit, quote_all)
    chunks = data.draw(st.sampled_from([0, 0, 3]), label="chunks")
    roundtrip(tmp_path_factory.mktemp(name), name, v, make_pools(v.fmt, n, kind, extra, order),
              eol, n_rows_for(n), chunks=chunks)


# --- the size sweep, deterministic -------------------------------------------------------

SWEEP = (1, 2, 126, 127, 128, 129, 255, 256, 257, 1000)
# n distinct as written at every size; n distinct as read where the codes change size
SWEEP_CASES = [(n, "written") for n in SWEEP] + [(n, "read") for n in (126, 127, 128, 129)]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_size_of_category_codes(name, tmp_path):
    v = VARIANTS[name]
    for n, kind in SWEEP_CASES:
        eol = "\r\n" if n % 2 else "\n"
        roundtrip(tmp_path, f"{name}-{n}-{kind}", v, make_pools(v.fmt, n, kind), eol,
                  n_rows_for(n), chunks=3 if n == 1000 else 0)


# the largest sizes: one test each, two formats each (every format once, Strong thrice)
LARGE = {32767: (("strong", "read", 0), ("fitnotes-kgs", "written", 0)),
         32768: (("hevy-kg", "read", 3), ("strong-headerless", "written", 0)),
         32769: (("template", "read", 0), ("strong-kg-semicolon", "written", 0))}


@pytest.mark.parametrize("n", sorted(LARGE))
def test_tens_of_thousands_of_texts(n, tmp_path):
    for name, kind, chunks in LARGE[n]:
        v = VARIANTS[name]
        roundtrip(tmp_path, f"{name}-{kind}", v, make_pools(v.fmt, n, kind),
                  "\r\n" if n % 2 else "\n", n + 3, chunks=chunks)


# --- line ends inside notes ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["strong", "strong-kg-semicolon", "hevy-kg", "template"])
def test_crlf_inside_notes_leaves_no_carriage_return(name, tmp_path):
    # a Windows app writes every line end as CRLF, those inside quoted notes too: the note
    # reads with LF line ends, as a note written on any other system
    v = VARIANTS[name]
    multiline = [t for t in SPECIAL if "\n" in t.strip()]  # first: the smallest file has them
    for n in (2, 129):
        roundtrip(tmp_path, f"{name}-{n}", v, make_pools(v.fmt, n, "written", order=[
            *multiline, *SPECIAL]), "\r\n", n_rows_for(n), crlf_inside=True)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("quote_all", [False, True])
def test_the_delimiter_is_not_taken_from_quoted_texts(delimiter, quote_all, tmp_path):
    # a headerless export's first row, and a header: quoted texts full of the other two
    # delimiters (more of them than the row has fields) do not make them the delimiter
    crowd = "".join(d * 30 for d in (",", ";", "\t") if d != delimiter)
    pools = {c: [crowd, f"{crowd} 2"] for c in ("workout", "note", "workout_note")}
    pools["exercise"] = ["Deadlift (Barbell)"]
    for v in (VARIANTS["strong-headerless"], VARIANTS["strong-kg-semicolon"]):
        v = Variant(v.fmt, v.head, delimiter, v.unit, quote_all or v.head is None)
        data, rows = write_export(v, pools, "\n", 4)
        path = tmp_path / "crowded.csv"
        path.write_bytes(data)
        check(v, rows, *read_whole(path, v))


def test_the_pools_hold_what_the_tests_claim():
    # the generator itself: n distinct texts as written, or as read
    for n in SWEEP + tuple(LARGE):
        written = pool(n, SPECIAL, "written")
        assert len(written) == len(set(written)) == n
        read = pool(n, SPECIAL, "read")
        assert len({normal(t) for t in read if normal(t)}) == n
        assert len(read) > n  # and the blank and merging texts on top
    texts = pool(1000, SPECIAL, "written")
    for needed in ("", " ", "\t", "Note", "Note ", "note", LONG, "=1+1", "+44 20 7946 0000",
                   "-5 kg", "@home", "line one\nline two", "ألم أسفل الظهر", "👍🏽👍🏿"):
        assert needed in texts
    assert sum(len(t) == 2000 for t in texts) >= 3
    # every row's texts are drawn from the pools, and every text of a pool is in a row
    pools = make_pools("strong", 129, "written")
    _, rows = write_export(VARIANTS["strong"], pools, "\n", n_rows_for(129))
    for col in TEXT_COLUMNS["strong"]:
        assert {r.texts[col] for r in rows} == set(pools[col])
