"""The plan as Hevy routines: one routine per session, written to a file or sent to Hevy.

Hevy's public API (v1, Hevy Pro accounts only) creates a routine with
``POST https://api.hevyapp.com/v1/routines``, the key in the header ``api-key``, and a
body ``{"routine": {...}}`` whose shape is Hevy's ``PostRoutinesRequestBody``
(``data/hevy_routine.schema.json`` holds it as a JSON Schema). Its answers: 201 the
routine, 400 an invalid body (``{"error": ...}``), 403 the routine limit exceeded; 401
(a wrong key) and 429 (too many requests) are not in Hevy's document but are what
clients of the API report.

What the planner writes, and why:

* weights always in kilograms (``weight_kg``), whatever the plan's unit: a plan in pounds
  is converted exactly (0.45359237 kg a pound) and rounded to the gram, so that Hevy
  shows a pound account the plan's own figure (135 lb is sent as 61.235 kg, which reads
  back as 135.00 lb; 61.23 kg would read 134.99 lb); ``null`` for body weight;
* holds (``duration_seconds``) and rests (``rest_seconds``, one per exercise) in whole
  seconds, from :func:`planner.files.app_sessions.app_sessions`;
* the exercises as Hevy's built-in templates: Deadlift (Barbell) ``C6272009``, Glute
  Bridge ``CDA23948`` (both in Hevy's own list, ``hevyapp/hevy-gpt``) and Stretching
  ``527DA061`` (a duration exercise, as third-party clients use it); Hevy's CSV export
  names them by these titles;
* the stretch as one set per hold and side, left first (the exercise's notes say the
  order, since a Hevy set has no side);
* no ``@`` anywhere (clients report that an ``@`` in notes makes Hevy answer 400), so
  the title says "Deadlift 3×10 at 60 kg";
* the routine's notes carry :data:`~planner.files.app_sessions.PAIN_INSTRUCTION` and
  any hold that was rounded to a whole second.

The API key is the user's: it goes in the request header and nowhere else. It is never
printed, logged, written to a file, or put in an error message (an answer that echoes it
is shown with the key blotted out); redirects are not followed, so that it never travels
to another address.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from planner.files.app_sessions import (
    PAIN_INSTRUCTION,
    AppExercise,
    AppSession,
    app_sessions,
    load_text,
    rounding_notes,
    session_dose,
)
from planner.files.safewrite import write_file
from planner.plan import Plan
from planner.version import __version__

BASE_URL = "https://api.hevyapp.com"
ROUTINES_PATH = "/v1/routines"
#: The planner's exercise -> Hevy's built-in exercise template (id, title).
HEVY_TEMPLATES: dict[str, tuple[str, str]] = {
    "deadlift": ("C6272009", "Deadlift (Barbell)"),
    "glute_bridge": ("CDA23948", "Glute Bridge"),
    "rotational_stretch": ("527DA061", "Stretching"),
}
#: Decimals of ``weight_kg``: the gram (see the module's notes).
WEIGHT_DECIMALS = 3
ENV_KEY = "HEVY_API_KEY"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_SHOWN_CHARS = 300  # of an error text Hevy sends back
_MAX_ANSWER = 65536  # bytes of an answer read


class HevyKeyError(ValueError):
    """An API key that is missing or cannot be one; the message never holds the key."""


class HevyError(RuntimeError):
    """Sending stopped: the message says why, how many routines were created and which
    were not sent. ``status`` is Hevy's HTTP status (None: no answer), ``created`` the
    routines created before the failure, ``remaining`` the titles not created."""

    def __init__(self, message: str, *, status: int | None, created: list[SentRoutine],
                 remaining: list[str]):
        super().__init__(message)
        self.status = status
        self.created = created
        self.remaining = remaining


@dataclass(frozen=True)
class SentRoutine:
    """A routine Hevy created: its title and Hevy's id (None when the answer had none)."""

    title: str
    routine_id: str | None = None


# --- the routines -------------------------------------------------------------------------
def _no_at(text: str) -> str:
    return re.sub(r"\s*@\s*", " at ", text).strip()


def _weight_kg(load_kg: float | None) -> float | None:
    return None if load_kg is None else round(float(load_kg), WEIGHT_DECIMALS)


def _dose(values: list) -> str:
    """"3 × 10" when all sets agree, else the sets' values in order ("10, 10, 8")."""
    if len(set(values)) == 1:
        return f"{len(values)} × {values[0]:g}"
    return ", ".join(f"{v:g}" for v in values)


def _exercise_notes(ex: AppExercise, unit: str, plates: str | None) -> str:
    rest = ex.sets[0].rest_s
    if ex.is_hold:
        lefts = [s for s in ex.sets if s.side == "left"]
        holds = sorted({s.hold_s for s in ex.sets})
        hold = " or ".join(f"{h} s" for h in holds)
        order = ", ".join(s.side for s in ex.sets)
        sides = (f"{len(lefts)} holds a side of {hold}: one set per hold and side, "
                 f"left side first, then right ({order})" if lefts else
                 f"{len(ex.sets)} holds of {hold}")
        return _no_at(f"{ex.name}: {sides}; rest {rest} s between holds.")
    reps = _dose([s.reps for s in ex.sets])
    loads = [s.load_kg for s in ex.sets if s.load_kg is not None]
    if loads:
        load = (load_text(loads[0], unit) if len(set(loads)) == 1
                else ", ".join(load_text(x, unit) for x in loads))
        what = f"{reps} reps at {load}" + (f" ({plates})" if plates else "")
    else:
        what = f"{reps} reps, body weight"
    return _no_at(f"{ex.name}: {what}; rest {rest} s between sets.")


def _title(s: AppSession, unit: str) -> str:
    dose = session_dose(s, unit)
    return _no_at(f"{s.weekday} {s.date.day} {s.date:%b} · {s.session_id} · {dose}")


def _set(x) -> dict:
    return {"type": "normal", "weight_kg": _weight_kg(x.load_kg), "reps": x.reps,
            "distance_meters": None, "duration_seconds": x.hold_s, "custom_metric": None,
            "rep_range": None}


def _routine(s: AppSession, unit: str, plates: Mapping[tuple[str, str], str],
             folder_id: int | None) -> dict:
    exercises = []
    for ex in s.exercises:
        if ex.exercise not in HEVY_TEMPLATES:
            raise ValueError(f"{s.session_id}: no Hevy exercise for {ex.exercise!r}; "
                             f"expected one of {', '.join(HEVY_TEMPLATES)}")
        exercises.append({
            "exercise_template_id": HEVY_TEMPLATES[ex.exercise][0], "superset_id": None,
            "rest_seconds": int(ex.sets[0].rest_s),
            "notes": _exercise_notes(ex, unit, plates.get((s.session_id, ex.exercise))),
            "sets": [_set(x) for x in ex.sets]})
    phase = "deload week" if s.deload else "build"
    rounded = [n[:1].upper() + n[1:] + "." for n in rounding_notes([s])]
    notes = [f"Week {s.week}, day {s.day} ({phase}).", PAIN_INSTRUCTION, *rounded]
    return {"routine": {"title": _title(s, unit), "folder_id": folder_id,
                        "notes": _no_at("\n".join(notes)), "exercises": exercises}}


def _plates(plan: Plan) -> dict[tuple[str, str], str]:
    t = plan.table
    first = t.drop_duplicates(["session_id", "exercise"])
    return {(str(r.session_id), str(r.exercise)): str(r.plates)
            for r in first.itertuples(index=False)
            if isinstance(r.plates, str) and r.plates.strip()}


def hevy_routines(plan: Plan, *, weeks: Iterable[int] | None = None,
                  folder_id: int | None = None) -> list[dict]:
    """One Hevy API v1 routine body (``POST /v1/routines``) per session, in date order.

    Parameters
    ----------
    plan : the plan (loads in kg in its table; titles and notes speak ``plan.unit``)
    weeks : only the sessions of these programme weeks (default: all)
    folder_id : Hevy's routine folder (default None: Hevy's "My Routines")

    Returns
    -------
    list of dict
        ``{"routine": {"title", "folder_id", "notes", "exercises": [{"exercise_template_id",
        "superset_id", "rest_seconds", "notes", "sets": [{"type", "weight_kg", "reps",
        "distance_meters", "duration_seconds", "custom_metric", "rep_range"}]}]}}``;
        weights in kg [kg] rounded to the gram, holds and rests in whole seconds [s].
    """
    wanted = None if weeks is None else {int(w) for w in weeks}
    plates = _plates(plan)
    return [_routine(s, plan.unit, plates, folder_id) for s in app_sessions(plan)
            if wanted is None or s.week in wanted]


def hevy_json(routines: list[dict]) -> bytes:
    """The routine bodies as a UTF-8 JSON list, one routine a line (what :func:`write_hevy`
    writes): a line is one POST's body, and a year's 364 routines are written in a few
    milliseconds (indented, they took 50 ms: the coach's zip holds one per athlete)."""
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in routines)
    return (f"[\n{lines}\n]\n" if routines else "[]\n").encode("utf-8")


def write_hevy(plan: Plan, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the plan's Hevy routine bodies (:func:`hevy_routines`) as one JSON list.

    Raises :class:`~planner.files.safewrite.OutputExistsError` when ``path`` exists and
    ``overwrite`` is False (nothing is replaced without asking)."""
    return write_file(path, hevy_json(hevy_routines(plan)), overwrite=overwrite)


# --- the key ------------------------------------------------------------------------------
def check_api_key(key: object, where: str = "the Hevy API key") -> str:
    """``key`` stripped, when it has the shape of a Hevy API key (a UUID); else
    :class:`HevyKeyError`, whose message describes the value without showing it."""
    if key is None or not str(key).strip():
        raise HevyKeyError(f"{where} is missing: make one at https://hevy.com/settings?"
                           f"developer (Hevy Pro) and set it in {ENV_KEY}")
    text = str(key).strip()
    if not _UUID.match(text):
        raise HevyKeyError(f"{where} is not a Hevy API key: expected a UUID of 36 "
                           "characters like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits "
                           f"and dashes), found {len(text)} characters (not shown)")
    return text


def api_key_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The Hevy API key in ``HEVY_API_KEY`` (of ``environ``, default ``os.environ``);
    :class:`HevyKeyError` when it is missing, empty or not a UUID."""
    env = os.environ if environ is None else environ
    return check_api_key(env.get(ENV_KEY), ENV_KEY)


# --- sending ------------------------------------------------------------------------------
def check_base_url(base_url: str) -> str:
    """``base_url`` without a trailing slash: https, or http to this computer only (tests),
    with no user, query or fragment; ValueError otherwise."""
    parts = urllib.parse.urlsplit(str(base_url))
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise ValueError("Hevy's address must be an https:// URL such as "
                         f"{BASE_URL}; got one with scheme {parts.scheme!r}")
    if parts.scheme == "http" and host not in _LOOPBACK:
        raise ValueError(f"Hevy's address must use https (the API key would travel "
                         f"unencrypted to {host}); http is allowed for 127.0.0.1 only")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("Hevy's address must hold no user name, password, query or "
                         f"fragment; expected e.g. {BASE_URL}")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"),
                                    "", ""))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers, not followed: the key must not go to another address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _default_opener(url: str) -> urllib.request.OpenerDirector:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    # This computer is reached directly, never through a proxy of the environment.
    proxies = urllib.request.ProxyHandler({} if host in _LOOPBACK else None)
    return urllib.request.build_opener(proxies, _NoRedirect)


@dataclass
class _Answer:
    status: int | None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    problem: str | None = None  # no answer: why


def _post(opener, url: str, data: bytes, api_key: str, timeout: float) -> _Answer:
    req = urllib.request.Request(url, data=data, method="POST", headers={
        "api-key": api_key, "Content-Type": "application/json",
        "Accept": "application/json", "User-Agent": f"planner/{__version__}"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(req, timeout=timeout) as resp:
            return _Answer(resp.status, _read_by(resp, deadline), resp.headers)
    except urllib.error.HTTPError as exc:
        with exc:
            return _Answer(exc.code, _read_by(exc, deadline) if exc.fp else b"",
                           exc.headers or {})
    except TimeoutError:  # socket.timeout is TimeoutError; _read_by's deadline too
        return _Answer(None, problem=f"no answer within {timeout:g} s")
    except urllib.error.URLError as exc:
        return _Answer(None, problem=str(getattr(exc, "reason", exc)))
    except (http.client.HTTPException, OSError) as exc:
        return _Answer(None, problem=f"{type(exc).__name__}: {exc}".rstrip(": "))


def _read_by(answer, deadline: float) -> bytes:
    """An answer's body, at most ``_MAX_ANSWER`` bytes, read by ``deadline`` (a server that
    sends a byte at a time never holds a routine longer than that): TimeoutError after."""
    out = bytearray()
    while len(out) < _MAX_ANSWER:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = answer.read1(min(4096, _MAX_ANSWER - len(out))) if hasattr(
            answer, "read1") else answer.read(_MAX_ANSWER - len(out))
        if not chunk:
            break
        out += chunk
    return bytes(out)


def _scrub(text: str, api_key: str | None) -> str:
    """``text`` with the key blotted out: an answer may echo it, in any case, with or
    without its dashes. Only a key of the right shape is looked for (blotting out a stray
    value such as "e" everywhere would garble the text and show the value)."""
    if not api_key or not _UUID.match(api_key.strip()):
        return text
    groups = api_key.strip().split("-")
    pattern = "-?".join(re.escape(g) for g in groups)
    return re.sub(pattern, "[api key hidden]", text, flags=re.IGNORECASE)


def _error_text(body: bytes, api_key: str | None = None) -> str:
    """Hevy's error message (``{"error": ...}``), else the answer's text without markup;
    on one line, at most a few hundred characters, the key blotted out BEFORE it is
    shortened (a key cut in two would no longer be found)."""
    text = _scrub(body.decode("utf-8", "replace"), api_key)
    try:
        data = json.loads(text)
        if isinstance(data, dict) and data.get("error") is not None:
            text = str(data["error"])
    except ValueError:
        if text.lstrip().startswith("<"):
            text = "(an HTML page) " + re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS - 1] + "…"
    return text or "(no text)"


def _routine_id(body: bytes) -> str | None:
    """Hevy's id of the created routine: the answer is documented as the routine, and
    reported as ``{"routine": [routine]}``; None when neither."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return None
    if isinstance(data, dict) and "routine" in data:
        data = data["routine"]
    if isinstance(data, list) and data:
        data = data[0]
    if isinstance(data, dict) and data.get("id") is not None:
        return str(data["id"])
    return None


def _retry_after(headers: Mapping[str, str], default: float) -> float:
    """Seconds to wait by a Retry-After header (seconds or an HTTP date), else ``default``."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return default
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _problem(ans: _Answer, *, n: int, total: int, title: str, timeout: float,
             api_key: str | None = None) -> str:
    """What went wrong with routine ``n``, in words (on one line)."""
    which = f'routine {n} of {total} ("{title}")'
    status = ans.status
    if status is None:
        why = " ".join(_scrub(ans.problem or "no answer", api_key).split()).rstrip(".")
        may = (" It may have been created all the same: look in Hevy before sending "
               "again." if "no answer within" in why else "")
        return f"Could not reach Hevy while sending {which}: {why}.{may}"
    said = _error_text(ans.body, api_key)
    if status == 401:
        return (f"Hevy did not accept the API key (HTTP 401) for {which}: check "
                f"{ENV_KEY}; a key is made at https://hevy.com/settings?developer. "
                f"Hevy said: {said}")
    if status == 403:
        return (f"Hevy refused {which} (HTTP 403): {said}. Hevy's API is for Hevy Pro "
                "accounts, and an account holds a limited number of routines (\"routine "
                "limit exceeded\"): delete old routines in Hevy, or send fewer weeks.")
    if status == 400:
        return f"Hevy refused {which} as invalid (HTTP 400): {said}"
    if status == 429:
        return f"Hevy answered too many requests (HTTP 429) to {which}: {said}"
    if 300 <= status < 400:
        return (f"Hevy answered {which} with a redirect (HTTP {status}), which is not "
                "followed (the API key would go with it); check the address")
    if status >= 500:
        return (f"Hevy's server failed on {which} (HTTP {status}): {said}. Try again later; "
                "look in Hevy first whether it was created.")
    return f"Hevy answered {which} with HTTP {status}: {said}"


def _stopped(problem: str, created: list[SentRoutine], titles: list[str]) -> str:
    left = titles[len(created):]
    shown = "; ".join(f'"{t}"' for t in left[:5]) + (f"; and {len(left) - 5} more"
                                                     if len(left) > 5 else "")
    done = (f"{len(created)} of {len(titles)} routines were created" if created
            else f"No routine was created (of {len(titles)})")
    return f"{problem}\n{done}; stopped there. Not created: {shown}."


def send_routines(routines: list[dict], *, api_key: str | None, base_url: str = BASE_URL,
                  dry_run: bool = False, echo: Callable[[str], object] = print,
                  opener: urllib.request.OpenerDirector | None = None,
                  timeout: float = 30.0, max_retries: int = 3, max_wait: float = 120.0,
                  sleep: Callable[[float], object] = time.sleep) -> list[SentRoutine]:
    """Create ``routines`` (bodies from :func:`hevy_routines`) in Hevy, one POST each.

    Parameters
    ----------
    routines : the bodies, sent in order
    api_key : the user's Hevy API key (a UUID); sent in the ``api-key`` header only
    base_url : Hevy's API (https; http only to 127.0.0.1/localhost, for tests)
    dry_run : print what would be sent (titles and bodies, never the key); send nothing
    echo : where progress lines go
    opener : a urllib opener (default: one that follows no redirect)
    timeout : seconds to wait for each answer [s]
    max_retries : times a routine is sent again after "too many requests" (HTTP 429)
    max_wait : the longest wait before such a retry [s]; Hevy asking for more stops
    sleep : how to wait (tests pass their own)

    Returns
    -------
    list of SentRoutine
        The routines created (none in a dry run).

    Raises
    ------
    HevyKeyError : no key, or not a key's shape (checked before anything is sent)
    ValueError : a base URL that is not https
    HevyError : the first routine that failed: why (Hevy's own error text, shortened),
        how many were created and which were not. Nothing after it is sent.
    """
    url = check_base_url(base_url) + ROUTINES_PATH
    titles = [str(r.get("routine", {}).get("title", "")) for r in routines]
    if dry_run:
        key_state = ("not set" if not api_key else "set, not shown"
                     if _UUID.match(str(api_key).strip()) else
                     f"set, but not the shape of a Hevy key: check {ENV_KEY}; not shown")
        echo(f"Dry run: would send {len(routines)} routines to {url}, one POST each, "
             f"with the header api-key (your key: {key_state}):")
        for i, (title, body) in enumerate(zip(titles, routines, strict=True), 1):
            text = json.dumps(body, indent=2, ensure_ascii=False)
            echo(_scrub(f"{i}/{len(routines)} {title}\n{text}", api_key))
        return []
    key = check_api_key(api_key)
    opener = opener or _default_opener(url)
    created: list[SentRoutine] = []
    for n, (title, body) in enumerate(zip(titles, routines, strict=True), 1):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        for attempt in range(max_retries + 1):
            ans = _post(opener, url, data, key, timeout)
            if ans.status != 429 or attempt == max_retries:
                break
            wait = _retry_after(ans.headers, default=min(max_wait, 5.0 * 2 ** attempt))
            if wait > max_wait:
                break
            echo(f"Hevy asks to slow down (HTTP 429): waiting {wait:g} s before sending "
                 f'"{_scrub(title, key)}" again (retry {attempt + 1} of {max_retries})')
            sleep(wait)
        if ans.status is not None and 200 <= ans.status < 300:
            created.append(SentRoutine(title, _routine_id(ans.body)))
            echo(_scrub(f"created {n}/{len(routines)}: {title}", key))
            continue
        problem = _problem(ans, n=n, total=len(routines), title=title, timeout=timeout,
                           api_key=key)
        if ans.status == 429:
            wait = _retry_after(ans.headers, default=0.0)
            problem = problem.rstrip(". ") + "."
            problem += (f" Gave up after {max_retries} retries" if wait <= max_wait else
                        f" Hevy asks to wait {wait:g} s, longer than {max_wait:g} s")
            problem += "; send the rest later."
        raise HevyError(_scrub(_stopped(problem, created, titles), key), status=ans.status,
                        created=created, remaining=titles[len(created):])
    return created
