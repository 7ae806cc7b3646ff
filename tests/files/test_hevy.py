"""Hevy routines: the exact body of a routine, kilograms from pounds, whole seconds, the pain
line, Hevy's schema (which must also refuse bad bodies), and sending to a real local HTTP
server standing in for Hevy: one POST per routine, and every failure stops, says what was
created and never shows the API key."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
import traceback
from datetime import date

import jsonschema
import pandas as pd
import pytest
from hypothesis import given, reject
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from planner import PlanConfig, generate
from planner.config import ConfigError
from planner.files.app_sessions import PAIN_INSTRUCTION, app_sessions, whole_seconds
from planner.files.hevy import (
    HevyError,
    HevyKeyError,
    api_key_from_env,
    check_base_url,
    hevy_routines,
    send_routines,
    write_hevy,
)
from planner.files.safewrite import OutputExistsError
from planner.symptoms import pain_in_notes
from tests.conftest import examples
from tests.paths import ROOT

KEY = "0f8fad5b-d9cb-469f-a165-70867728950e"
SCHEMA = json.loads((ROOT / "data" / "hevy_routine.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
START = date(2026, 12, 7)  # a Monday


@pytest.fixture(scope="module")
def plan():
    return generate(PlanConfig(weeks=4, start_date=START, deadlift_start_load=60))


def _set(weight=None, reps=None, duration=None):
    return {"type": "normal", "weight_kg": weight, "reps": reps, "distance_meters": None,
            "duration_seconds": duration, "custom_metric": None, "rep_range": None}


def test_the_first_routine_exactly(plan):
    routines = hevy_routines(plan)
    assert len(routines) == 28  # a session every day: the stretch is daily
    assert routines[0] == {"routine": {
        "title": "Mon 7 Dec · W01D1 · Deadlift 3×10 at 60 kg + bridge + stretch",
        "folder_id": None,
        "notes": "Week 1, day 1 (build).\n" + PAIN_INSTRUCTION,
        "exercises": [
            {"exercise_template_id": "CDA23948", "superset_id": None, "rest_seconds": 60,
             "notes": "Glute bridge: 2 × 15 reps, body weight; rest 60 s between sets.",
             "sets": [_set(reps=15)] * 2},
            {"exercise_template_id": "C6272009", "superset_id": None, "rest_seconds": 120,
             "notes": "Barbell deadlift: 3 × 10 reps at 60 kg (20 kg bar + 20 kg each "
                      "side); rest 120 s between sets.",
             "sets": [_set(weight=60.0, reps=10)] * 3},
            {"exercise_template_id": "527DA061", "superset_id": None, "rest_seconds": 10,
             "notes": "Lower-back rotational stretch: 3 holds a side of 5 s: one set per "
                      "hold and side, left side first, then right (left, right, left, right, "
                      "left, right); rest 10 s between holds.",
             "sets": [_set(duration=5)] * 6}]}}
    assert routines[1]["routine"]["title"] == "Tue 8 Dec · W01D2 · Back stretch 3×5 s each side"
    assert routines[2]["routine"]["title"] == "Wed 9 Dec · W01D3 · Bridge 2×15 + stretch"
    deload = [r["routine"]["title"] for r in routines if "deload" in r["routine"]["title"]]
    assert deload and all(t.startswith(("Mon 28 Dec", "Tue 29 Dec", "Wed 30 Dec", "Thu 31 Dec",
                                         "Fri 1 Jan", "Sat 2 Jan", "Sun 3 Jan")) for t in deload)
    assert [r["routine"]["title"][:10] for r in hevy_routines(plan, weeks=[2])][:1] == [
        "Mon 14 Dec"]


def test_pounds_become_kilograms_to_the_gram():
    lb = generate(PlanConfig(weeks=1, unit="lb", start_date=START, deadlift_start_load=135))
    first = hevy_routines(lb)[0]["routine"]
    dl = first["exercises"][1]
    assert dl["exercise_template_id"] == "C6272009"
    # 135 lb = 61.23496995 kg, sent as 61.235 kg: Hevy shows a pound account 135.00 lb
    # (61.23 kg would read 134.99 lb); the analysis' tolerance is 0.01 kg.
    assert [s["weight_kg"] for s in dl["sets"]] == [61.235] * 3
    assert abs(61.235 / 0.45359237 - 135) < 0.005
    assert first["title"] == "Mon 7 Dec · W01D1 · Deadlift 3×10 at 135 lb + bridge + stretch"
    assert "at 135 lb (45 lb bar + 45 lb each side)" in dl["notes"]


def test_holds_in_whole_seconds_and_said_so():
    p = generate(PlanConfig(weeks=2, start_date=START, overrides={
        "rotational_stretch": {"hold_min_s": 5.5, "hold_step_s": 0.5}}))
    held = {s["duration_seconds"] for r in hevy_routines(p) for e in r["routine"]["exercises"]
            for s in e["sets"] if s["duration_seconds"] is not None}
    assert held == {6}  # 5.5 s and 6 s, half up
    assert all(type(v) is int for v in held)
    first = hevy_routines(p)[0]["routine"]
    assert first["notes"].endswith("Holds of 5.5 s are written as 6 s (week 1): the apps take "
                                   "whole seconds.")
    assert '"duration_seconds": 6,' in json.dumps(first)  # not 6.0


def _check_routines(p, routines):
    """What every export must hold, whatever the plan."""
    sessions = app_sessions(p)
    assert len(routines) == len(sessions) == p.table["session_id"].nunique()
    notes = []
    for body, s in zip(routines, sessions, strict=True):
        VALIDATOR.validate(body)
        r = body["routine"]
        assert "@" not in json.dumps(body)
        assert s.session_id in r["title"]
        assert PAIN_INSTRUCTION in r["notes"]
        notes += [r["notes"], *(e["notes"] for e in r["exercises"])]
        for e, ex in zip(r["exercises"], s.exercises, strict=True):
            assert len(e["sets"]) == len(ex.sets)
            assert e["rest_seconds"] == ex.sets[0].rest_s
            for got, want in zip(e["sets"], ex.sets, strict=True):
                assert got["reps"] == want.reps
                if want.hold_exact is None:
                    assert got["duration_seconds"] is None
                else:
                    assert got["duration_seconds"] == whole_seconds(want.hold_exact)
                if want.load_kg is None:
                    assert got["weight_kg"] is None
                else:
                    assert abs(got["weight_kg"] - want.load_kg) <= 0.0005
    # None of the notes reads back as a pain score.
    read = pain_in_notes(pd.Series(notes))
    assert read["value"].isna().all() and read["understood"].all()


CONFIGS = st.builds(
    PlanConfig,
    weeks=st.integers(1, 6),
    unit=st.sampled_from(["kg", "lb"]),
    start_date=st.dates(date(2025, 1, 1), date(2030, 12, 31)),
    training_days=st.sampled_from([("mon", "wed", "fri"), ("tue", "thu"),
                                   ("mon", "tue", "thu", "sat")]),
    deadlift_start_load=st.sampled_from([None, 20, 45, 60, 95, 102.5, 135]),
    overrides=st.sampled_from([{}, {"rotational_stretch": {"hold_min_s": 5.5,
                                                           "hold_step_s": 0.5}},
                               {"rotational_stretch": {"hold_min_s": 7.25, "hold_max_s": 12,
                                                       "hold_step_s": 0.75}},
                               {"deadlift": {"sets": 4, "rest_s": 150}}]),
)


@hsettings(max_examples=examples(25))
@given(data=st.data())
def test_every_generated_plan_makes_valid_routines(data):
    try:
        config = data.draw(CONFIGS)
    except ConfigError:
        reject()
    p = generate(config)
    _check_routines(p, hevy_routines(p))


@pytest.mark.parametrize("config", [
    PlanConfig(weeks=12, start_date=START),
    PlanConfig(weeks=3, unit="lb", start_date=START, deadlift_start_load=95,
               training_days=("tue", "thu", "sat")),
    PlanConfig(weeks=2, start_date=START, exercises=("rotational_stretch",)),
])
def test_several_plans_against_the_schema(config):
    p = generate(config)
    _check_routines(p, hevy_routines(p))


@pytest.mark.parametrize(("where", "bad"), [
    ("set", {"weight_kg": "60"}),  # a string weight
    ("set", {"duration_seconds": 7.5}),  # a float duration
    ("set", {"reps": 10.5}),
    ("set", {"rpe": 8}),  # routine sets have no rpe
    ("set", {"type": "working"}),  # not one of Hevy's set types
    ("set", {"rep_range": {"start": 8, "end": 12, "step": 1}}),
    ("exercise", {"rest_seconds": "90"}),
    ("exercise", {"superset": None}),  # an unknown key
    ("routine", {"notes": None}),  # nullable only in PUT
    ("routine", {"folder_id": "42"}),
    ("routine", {"colour": "red"}),
    ("top", {"workout": {}}),
])
def test_the_schema_refuses_bad_bodies(plan, where, bad):
    body = json.loads(json.dumps(hevy_routines(plan)[0]))
    VALIDATOR.validate(body)
    target = {"top": body, "routine": body["routine"],
              "exercise": body["routine"]["exercises"][0],
              "set": body["routine"]["exercises"][0]["sets"][0]}[where]
    target.update(bad)
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(body)


def test_the_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_write_hevy(plan, tmp_path):
    path = tmp_path / "hevy.json"
    assert write_hevy(plan, path) == path
    text = path.read_text("utf-8")
    assert "·" in text and "\\u" not in text  # UTF-8, not escaped
    assert json.loads(text) == hevy_routines(plan)
    with pytest.raises(OutputExistsError):
        write_hevy(plan, path)
    write_hevy(plan, path, overwrite=True)


# --- the key ------------------------------------------------------------------------------
def test_api_key_from_env():
    assert api_key_from_env({"HEVY_API_KEY": f"  {KEY}\n"}) == KEY
    for env in ({}, {"HEVY_API_KEY": ""}, {"HEVY_API_KEY": "   "}):
        with pytest.raises(HevyKeyError, match="HEVY_API_KEY is missing"):
            api_key_from_env(env)
    secret = "sk-live-not-a-uuid-but-secret"
    with pytest.raises(HevyKeyError, match="not a Hevy API key") as info:
        api_key_from_env({"HEVY_API_KEY": secret})
    assert secret not in str(info.value) and "29 characters" in str(info.value)


def test_base_url_must_be_https():
    assert check_base_url("https://api.hevyapp.com/") == "https://api.hevyapp.com"
    assert check_base_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123"
    for bad in ("http://api.hevyapp.com", "ftp://api.hevyapp.com", "api.hevyapp.com",
                "https://user:pw@api.hevyapp.com", "https://api.hevyapp.com/?a=1"):
        with pytest.raises(ValueError):
            check_base_url(bad)


# --- a local stand-in for Hevy ------------------------------------------------------------
class FakeHevy(http.server.ThreadingHTTPServer):
    """Records every request; answers from ``script`` (status, headers, body) in turn, then
    201 with the routine (as clients report: ``{"routine": [routine]}``)."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict, bytes]] = []
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the name http.server calls
        server: FakeHevy = self.server  # type: ignore[assignment]
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server.requests.append({"path": self.path, "headers": dict(self.headers),
                                "body": json.loads(body)})
        if server.delay:
            time.sleep(server.delay)
        if server.script:
            status, headers, answer = server.script.pop(0)
        else:
            n = len(server.requests)
            status, headers = 201, {"Content-Type": "application/json"}
            answer = json.dumps({"routine": [{"id": f"routine-{n}", "title": "x"}]}).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def hevy():
    server = FakeHevy()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def three(plan):
    return hevy_routines(plan)[:3]


def _send(hevy, routines, **kw):
    lines: list[str] = []
    waits: list[float] = []
    kw.setdefault("api_key", KEY)
    try:
        out = send_routines(routines, base_url=hevy.url, echo=lines.append,
                            sleep=waits.append, **kw)
        error = None
    except (HevyError, HevyKeyError) as exc:
        out, error = None, exc
    return out, error, lines, waits


def _assert_no_key(error, lines, key=KEY):
    """The key in no output line, no message, no traceback (chained ones included)."""
    texts = list(lines)
    if error is not None:
        texts += [str(error), repr(error), *map(str, error.args),
                  "".join(traceback.format_exception(error))]
        assert error.__cause__ is None and error.__context__ is None
    for text in texts:
        assert key.lower() not in text.lower()


def test_one_post_per_routine_with_the_key_and_the_exact_bodies(hevy, three):
    sent, error, lines, _ = _send(hevy, three)
    assert error is None
    assert [s.routine_id for s in sent] == ["routine-1", "routine-2", "routine-3"]
    assert [s.title for s in sent] == [r["routine"]["title"] for r in three]
    assert [r["path"] for r in hevy.requests] == ["/v1/routines"] * 3
    assert [r["body"] for r in hevy.requests] == three
    for r in hevy.requests:
        headers = {k.lower(): v for k, v in r["headers"].items()}
        assert headers["api-key"] == KEY
        assert headers["content-type"] == "application/json"
        assert "authorization" not in headers
    assert lines[-1].startswith("created 3/3: Wed 9 Dec")
    _assert_no_key(None, lines)


def test_dry_run_sends_nothing_and_shows_no_key(hevy, three):
    sent, error, lines, _ = _send(hevy, three, dry_run=True)
    assert sent == [] and error is None and hevy.requests == []
    text = "\n".join(lines)
    assert "would send 3 routines" in text and "/v1/routines" in text
    assert three[0]["routine"]["title"] in text and '"exercise_template_id": "C6272009"' in text
    _assert_no_key(None, lines)


def _answer(status, payload, headers=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return status, {"Content-Type": "application/json", **(headers or {})}, body


def test_401_a_wrong_key(hevy, three):
    hevy.script = [_answer(401, {"error": f"Invalid api key {KEY.upper()}"})]
    _, error, lines, _ = _send(hevy, three)
    assert error.status == 401 and len(hevy.requests) == 1
    assert "did not accept the API key" in str(error) and "HEVY_API_KEY" in str(error)
    assert "No routine was created (of 3)" in str(error)
    assert "[api key hidden]" in str(error)  # Hevy echoed it: blotted out
    assert error.created == [] and len(error.remaining) == 3
    _assert_no_key(error, lines)


def test_403_routine_limit_after_one_created(hevy, three):
    hevy.script = [_answer(201, {"routine": [{"id": "r1"}]}),
                   _answer(403, {"error": "Routine limit exceeded"})]
    _, error, lines, _ = _send(hevy, three)
    msg = str(error)
    assert error.status == 403 and len(hevy.requests) == 2  # stopped at the failure
    assert "Routine limit exceeded" in msg and "Hevy Pro" in msg
    assert "routine 2 of 3" in msg and "1 of 3 routines were created" in msg
    assert f'"{three[2]["routine"]["title"]}"' in msg  # which remain
    assert [s.routine_id for s in error.created] == ["r1"]
    assert error.remaining == [r["routine"]["title"] for r in three[1:]]
    _assert_no_key(error, lines)


def test_429_waits_as_asked_then_goes_on(hevy, three):
    hevy.script = [_answer(429, {"error": "Too many requests"}, {"Retry-After": "2"})]
    sent, error, lines, waits = _send(hevy, three)
    assert error is None and len(sent) == 3 and waits == [2.0]
    assert len(hevy.requests) == 4 and hevy.requests[0]["body"] == hevy.requests[1]["body"]
    assert any("waiting 2 s" in line for line in lines)


def test_429_bounded_retries_then_stop(hevy, three):
    hevy.script = [_answer(429, {"error": "Too many requests"})] * 5
    _, error, lines, waits = _send(hevy, three, max_retries=2)
    assert error.status == 429 and len(hevy.requests) == 3 and len(waits) == 2
    assert "Gave up after 2 retries" in str(error) and "No routine was created" in str(error)
    _assert_no_key(error, lines)


def test_429_asking_too_long_a_wait_stops_at_once(hevy, three):
    hevy.script = [_answer(201, {"routine": {"id": "r1"}}),
                   _answer(429, {"error": "slow down"}, {"Retry-After": "3600"})]
    _, error, lines, waits = _send(hevy, three, max_wait=60)
    assert waits == [] and len(hevy.requests) == 2
    assert "asks to wait 3600 s, longer than 60 s" in str(error)
    assert "1 of 3 routines were created" in str(error)
    assert error.created[0].routine_id == "r1"


def test_400_shows_hevys_error_shortened(hevy, three):
    long = f"exercise_template_id not found; key was {KEY}; " + "x" * 1000
    hevy.script = [_answer(400, {"error": long})]
    _, error, lines, _ = _send(hevy, three)
    msg = str(error)
    assert error.status == 400 and "as invalid (HTTP 400): exercise_template_id not found" in msg
    assert "x" * 400 not in msg and "…" in msg
    _assert_no_key(error, lines)


def test_400_as_an_html_page(hevy, three):
    hevy.script = [(400, {"Content-Type": "text/html"},
                    b"<html><body><h1>Bad Request</h1></body></html>")]
    _, error, _, _ = _send(hevy, three)
    assert "(an HTML page) Bad Request" in str(error)


def test_500_stops(hevy, three):
    hevy.script = [_answer(201, {}), _answer(500, b"oops")]
    _, error, lines, _ = _send(hevy, three)
    assert error.status == 500 and len(hevy.requests) == 2
    assert "server failed" in str(error) and "1 of 3 routines were created" in str(error)
    assert error.created[0].routine_id is None  # an answer without the routine
    _assert_no_key(error, lines)


def test_a_redirect_is_not_followed(hevy, three):
    hevy.script = [(307, {"Location": "http://127.0.0.1:9/elsewhere"}, b"")]
    _, error, lines, _ = _send(hevy, three)
    assert error.status == 307 and len(hevy.requests) == 1 and "redirect" in str(error)
    _assert_no_key(error, lines)


def test_no_server_there(three):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    lines: list[str] = []
    with pytest.raises(HevyError, match="Could not reach Hevy") as info:
        send_routines(three, api_key=KEY, base_url=f"http://127.0.0.1:{port}",
                      echo=lines.append)
    assert info.value.status is None and "No routine was created" in str(info.value)
    _assert_no_key(info.value, lines)


def test_no_answer_in_time(hevy, three):
    hevy.delay = 1.0
    _, error, lines, _ = _send(hevy, three, timeout=0.2)
    assert error.status is None and "no answer within 0.2 s" in str(error)
    assert "may have been created" in str(error)
    _assert_no_key(error, lines)


@pytest.mark.parametrize("key", [None, "", "not-a-key", KEY + "\r\nX-Evil: 1", KEY[:-1]])
def test_a_bad_key_sends_nothing(hevy, three, key):
    _, error, lines, _ = _send(hevy, three, api_key=key)
    assert isinstance(error, HevyKeyError) and hevy.requests == []
    if key:
        assert key not in str(error)


# --- what an independent trial found ------------------------------------------------------
def test_a_long_echo_never_shows_part_of_the_key(hevy, three):
    """The error text is shortened AFTER the key is blotted out: a key cut in two by the
    shortening was once shown (29 of its 36 characters)."""
    hevy.script.append((400, {"Content-Type": "application/json"}, json.dumps(
        {"error": "x" * 260 + f" your key {KEY} and {KEY.replace('-', '')}"}).encode()))
    _, error, lines, _ = _send(hevy, three)
    text = "\n".join([str(error), *lines])
    assert isinstance(error, HevyError) and "[api key hidden]" in text
    assert KEY[:8] not in text and KEY.replace("-", "")[:12] not in text


def test_a_dry_run_with_a_stray_value_neither_garbles_nor_shows_it(three):
    lines: list[str] = []
    send_routines(three, api_key="e", dry_run=True, echo=lines.append)
    text = "\n".join(lines)
    assert "not the shape of a Hevy key" in text
    assert '"routine"' in text and "Deadlift" in text  # nothing blotted out


def test_a_server_that_drips_its_answer_is_stopped_at_the_deadline(three):
    """A server that answers a byte every 0.3 s: the routine's whole answer has a deadline."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def drip():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 100000\r\n\r\n")
        try:
            for _ in range(100):
                conn.sendall(b"x")
                time.sleep(0.3)
        except OSError:
            pass
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    start = time.monotonic()
    with pytest.raises(HevyError) as err:
        send_routines(three[:1], api_key=KEY, base_url=f"http://127.0.0.1:"
                      f"{server.getsockname()[1]}", timeout=1.0, echo=lambda _: None)
    assert time.monotonic() - start < 5
    assert "no answer within 1 s" in str(err.value)
    server.close()
