"""Pain scores and red-flag symptoms as people write them in a workout log.

Two pure, vectorised readers of free text, each working once per DISTINCT text
(a log repeats its notes) and mapping the answers back onto every row:

- :func:`read_pain`: a pain column ("9/10", "7,5", "3-4", "pain 6", "none") as
  numbers on the 0-10 scale, with a flag for the texts that could not be read;
- :func:`find_symptoms`: the workout notes that name a symptom of
  :data:`SYMPTOMS`, the table of signs that must stop progression for a trainee
  with low-back pain (nerve-root signs) or send them to care today (cauda equina
  syndrome), with terms in English, German, Spanish and French.

The table is data: one :class:`Symptom` row per sign, with its source and its terms
in a small pattern language (see :class:`Symptom`). Word classes (:data:`CLASSES`:
leg words, numbness words ...) keep the rows short and the languages together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

# --- pain scores ----------------------------------------------------------------------------

#: Texts that mean "no pain" (after lower-casing and stripping accents): kept small
#: and explicit on purpose; anything else without a number is not understood.
ZERO_PAIN = ("none", "no pain", "nil", "keine", "keine schmerzen", "ninguno", "sin dolor",
             "aucune", "aucune douleur", "pas de douleur")
#: Words that may stand before the score ("pain 6", "Pain: 6", "VAS 6").
PAIN_PREFIXES = ("pain", "vas", "nrs", "schmerz", "schmerzen", "dolor", "douleur")
#: Words between the two ends of a range ("3-4", "3 to 4", "3 bis 4", "3 a 4", "3 or 4").
RANGE_WORDS = ("to", "bis", "a", "or", "oder", "o", "ou")
#: Words between a score and its scale ("6/10", "6 out of 10", "6 von 10", "6 sur 10").
SCALE_WORDS = ("out of", "of", "von", "de", "sur")
PAIN_MAX = 10.0

_NUM = r"\d+(?:\.\d+)?"
_OF = "|".join(w.replace(" ", r"\s+") for w in SCALE_WORDS)
_PAIN = re.compile(
    rf"^(?:(?:{'|'.join(PAIN_PREFIXES)})\s*[:=]?\s*)?"
    rf"(?P<a>{_NUM})"
    rf"(?:\s*(?:-|\s(?:{'|'.join(RANGE_WORDS)})\s)\s*(?P<b>{_NUM}))?"
    rf"(?:\s*(?:/|\s(?:{_OF})\s)\s*"
    rf"(?P<scale>{_NUM}))?"
    r"(?:[\s,;:.!()]+(?:[^\W\d][^\d]*)?)?$")
_SLASHES = str.maketrans({"\u2215": "/", "\u2044": "/", "\uff0f": "/", "\u29f8": "/",
                          "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                          "\u2014": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-"})


def fold(text: str) -> str:
    """Lower case (``casefold``: "ß" is "ss"), accents stripped (NFKD, combining marks
    dropped), compatibility forms unfolded (full-width digits, the fraction slash)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _pain_value(raw: Any) -> tuple[float, bool]:
    """(value, understood) of one distinct pain entry."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and np.isnan(raw)):
        return np.nan, True
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        value = float(raw)
        return (value, True) if 0.0 <= value <= PAIN_MAX else (np.nan, False)
    text = " ".join(fold(str(raw)).translate(_SLASHES).split())
    if not text:
        return np.nan, True
    if text in ZERO_PAIN:
        return 0.0, True
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    m = _PAIN.match(text)
    if m is None:
        return np.nan, False
    value = max(float(m["a"]), float(m["b"] or 0.0))
    if m["scale"] is not None:
        scale = float(m["scale"])
        if scale <= 0 or value > scale:
            return np.nan, False
        value = value * PAIN_MAX / scale
    return (value, True) if 0.0 <= value <= PAIN_MAX else (np.nan, False)


def read_pain(texts: pd.Series) -> pd.DataFrame:
    """Pain scores as people write them, on the 0-10 scale.

    Parameters
    ----------
    texts : Series
        A pain column as logged: text, numbers or missing values.

    Returns
    -------
    DataFrame
        Same index as ``texts``; ``value`` (float64, [0-10], NaN where there is no
        score) and ``understood`` (bool: False only where a non-blank entry could
        not be read; blank and missing entries are understood, with value NaN).

    Notes
    -----
    Read: a plain number ("5", "5.0", "10", " 5 "); a decimal comma ("7,5"); a score
    with its scale ("9/10", "9 / 10", "6/10" with a Unicode slash, "6 out of 10",
    "6 of 10", "6 von 10", "6 sur 10", "6 de 10"); a word before it ("pain 6",
    "Pain: 6", "VAS 6", "Schmerz 6", "dolor 6", "douleur 6"); words after it
    ("8/10 sharp"); a range ("3-4", "3 – 4", "3 to 4", "3 bis 4", "3 a 4", "3 or 4"),
    where the HIGHER end counts (the rules are limits: the worse reading decides);
    the few words of :data:`ZERO_PAIN` ("none", "no pain", "keine", "ninguno",
    "aucune" ...) as 0.

    A score on another scale is converted to 0-10: "3/5" is 6.0, "30/100" is 3.0.
    Not understood (value NaN): anything outside 0-10 after reading ("12", "11/10",
    "-2"); words without a score ("sore", "bad", "better", "?"); and text holding
    two numbers that are not a range or a score and its scale ("6 then 8", "6, 8",
    "set 3: 6"). Such text is not guessed from: a person reads it.

    The work is done once per distinct entry, so a column of a million rows with
    a few thousand distinct entries takes milliseconds.
    """
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    read = [_pain_value(u) for u in uniques]
    values = np.array([v for v, _ in read] + [np.nan], dtype="float64")
    understood = np.array([ok for _, ok in read] + [True], dtype=bool)
    return pd.DataFrame({"value": values[codes], "understood": understood[codes]},
                        index=texts.index)


# --- pain written in the notes -------------------------------------------------------------

#: Words after which a number in a note is a pain score (folded: lower case, no accents).
#: Longer forms first, so that "back pain 4" is read at "back pain", not at "back".
NOTE_PAIN_WORDS = ("lower back pain", "low back pain", "back pain", "ruckenschmerzen",
                   "ruckenschmerz", "dolor de espalda", "dolor lumbar", "mal de dos",
                   "douleur", "schmerzen", "schmerz", "dolor", "pain", "vas", "nrs", "lbp")
#: Words that usually mean something else before a number ("back 3 sets later"): read only
#: when the number is a score (at most 10, or with its scale) and no unit follows.
NOTE_BACK_WORDS = ("lower back", "low back", "back", "rucken", "espalda", "dos")
#: Words that may stand between the pain word and its score ("pain level 3", "pain was 4").
NOTE_FILLERS = ("level", "lvl", "score", "rating", "was", "is", "at", "about", "around",
                "approx", "today", "now", "nivel", "stufe", "niveau", "est", "war",
                "before", "after", "during", "vorher", "nachher", "antes", "despues", "avant",
                "apres")
#: What may follow a number that is then not a score: a unit, a count of something.
NOTE_NOT_SCORES = ("kg", "kgs", "kilo", "kilos", "lb", "lbs", "pound", "pounds", "x", "rep",
                   "reps", "set", "sets", "s", "sec", "secs", "second", "seconds", "min",
                   "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day",
                   "days", "night", "nights", "week", "weeks", "wk", "wks", "month", "months",
                   "year", "years", "yr", "yrs", "time", "times", "km", "mi", "m", "round",
                   "rounds", "session", "sessions", "exercise", "exercises", "workout",
                   "workouts", "pill", "pills", "tablet", "tablets", "mg", "ibuprofen",
                   "paracetamol", "wdh", "satze", "satz", "series", "serie", "repeticiones",
                   "tage", "tag", "wochen", "dias", "semanas", "jours", "jour", "semaines",
                   "am", "pm", "th", "st", "nd", "rd", "back", "on", "mo", "mos", "mth",
                   "mths", "y", "stunden", "stunde", "std", "minuten", "horas", "heures",
                   "mile", "miles", "ft", "feet", "cm", "inch", "inches", "lap", "laps",
                   "advil", "tylenol", "aspirin", "aleve", "pcs", "o'clock", "oclock")
#: What may follow a score after a back word ("back 4", "back 4/10 today"): a back word is
#: read only before one of these or the end of a clause ("back 4 people" is no score).
NOTE_BACK_AFTER = ("today", "now", "after", "afterwards", "later", "tonight", "overnight",
                   "this morning", "this evening", "at night", "heute", "hoy",
                   "aujourd'hui")
#: Words before a number that make it no score ("week 3", "set 2", "3x10").
NOTE_COUNTS = ("week", "wk", "set", "rep", "reps", "day", "round", "session", "block", "x",
               "no", "nr", "number", "#", "@", "at", "of", "for", "by", "with", "than")
#: Words that may follow a later score in a note ("8 after", "8 at night", "7 danach"): any
#: other word makes the number something else ("did 6 deadlifts").
NOTE_LATER_WORDS = ("after", "afterwards", "later", "tonight", "today", "now", "at", "in",
                    "on", "this", "the", "next", "overnight", "when", "during", "before",
                    "morning", "evening", "night", "then", "but", "and", "danach", "nachher",
                    "spater", "heute", "abends", "luego", "despues", "hoy", "puis", "apres",
                    "ce", "le", "la", "ce soir")
#: Clauses that say "no pain" in so many words (a clause is text between , ; . | ! ?).
NOTE_ZERO = ("no pain", "no back pain", "pain free", "pain-free", "painfree", "zero pain",
             "keine schmerzen", "kein schmerz", "schmerzfrei", "sin dolor", "ningun dolor",
             "pas de douleur", "aucune douleur", "sans douleur")


def _words(options: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in options)


_RANGE = rf"(?:\s*(?:-|\s(?:{'|'.join(RANGE_WORDS)})\s)\s*(?P<b>{_NUM}))?"
_SCALE = rf"\s*(?:/|\s(?:{_OF})\s)\s*(?P<scale>{_NUM})"
#: After a number: nothing that makes it a count or a clock ("3 sets", "5:30", "3.5.").
_NOT_AFTER = rf"(?!\w|[.:]\d|\s*(?:[%×*]|(?:{_words(NOTE_NOT_SCORES)})(?!\w)))"
#: A pain word and its score ("pain 3", "pain level 3/10", "Schmerz: 6 von 10"); a back word
#: only right before its number ("back 4", "back: 4/10"), never "back at 5".
_NOTE_SCORE = re.compile(
    rf"(?<![\w-])(?:(?P<pain>{_words(NOTE_PAIN_WORDS)})"
    rf"(?:\s*[:=~]\s*|\s+|\s*-\s*)(?:(?:{_words(NOTE_FILLERS)})\s*[:=~]?\s*){{0,2}}"
    rf"|(?P<back>{_words(NOTE_BACK_WORDS)})(?:\s*[:=]\s*|\s+))"
    rf"(?P<a>{_NUM}){_RANGE}(?:{_SCALE})?{_NOT_AFTER}"
    rf"(?(back)(?=\s*(?:$|[,;.!?)\]|]|(?:{_words(NOTE_BACK_AFTER)})(?!\w))))")
#: The score before a pain word, with its scale ("2/10 pain", "3 out of 10 back pain"): only
#: pain words and only with the scale ("3 sets pain free", "5/5 back squats" are no scores).
_NOTE_SCORE_FIRST = re.compile(
    rf"(?<![\w./])(?P<a>{_NUM}){_RANGE}{_SCALE}\s*(?:[:=-]\s*)?"
    rf"(?P<pain>{_words(NOTE_PAIN_WORDS)})(?![\w-])")
#: A further score after the first in the same note ("pain 2 -> 8", "pain 1, 8 after
#: deadlifts", "2/10 before, 8/10 after"): a number of 0-10, or with its scale.
_LATER = re.compile(rf"(?<![\w./:-])(?P<a>{_NUM}){_RANGE}(?:{_SCALE})?{_NOT_AFTER}"
                    rf"(?=\s*(?:$|[,;.!?)\]|/-]|(?:{_words(NOTE_LATER_WORDS)})(?!\w)))")
_COUNTED = re.compile(rf"(?:^|\W)(?:{_words(NOTE_COUNTS)})\s*[:.]?\s*$|[#@×x]\s*$")
_CLAUSES = re.compile(r"[,;.|!?()\n]+")
_ZERO = re.compile(rf"(?:{_words(NOTE_ZERO)})(?:\s+(?:today|now|all day|so far|heute|hoy|"
                   rf"aujourd'hui))?")


def _score(m: re.Match) -> float:
    """The 0-10 score of a match (the higher end of a range, another scale converted);
    inf when it is no 0-10 score."""
    value = max(float(m["a"]), float(m["b"] or 0.0))
    if m["scale"] is not None:
        scale = float(m["scale"])
        value = value * PAIN_MAX / scale if scale > 0 and value <= scale else np.inf
    return value if 0.0 <= value <= PAIN_MAX else np.inf


def _note_pain(note: str) -> tuple[float, bool]:
    """(the highest pain score a note gives, understood) for one distinct note."""
    text = " ".join(fold(note).translate(_SLASHES).split())
    if not text:
        return np.nan, True
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    scores, understood, first_end = [], True, None
    for m in (*_NOTE_SCORE.finditer(text), *_NOTE_SCORE_FIRST.finditer(text)):
        value = _score(m)
        if np.isinf(value):
            understood &= m["pain"] is None  # "pain 12": a pain score nobody can read
            continue
        scores.append(value)
        first_end = m.end() if first_end is None else min(first_end, m.end())
    if scores:
        # A note that gives a score may give a later one with no pain word before it
        # ("pain 2 -> 8", "2/10 before, 8/10 after"): the higher counts (the rules are
        # limits), unless it is a count ("week 3", "3x10", "set 2").
        for m in _LATER.finditer(text, first_end):
            value = _score(m)
            if not np.isinf(value) and not _COUNTED.search(text[:m.start()]):
                scores.append(value)
        return max(scores), understood
    if any(_ZERO.fullmatch(c.strip()) for c in _CLAUSES.split(text)):
        return 0.0, understood
    return np.nan, understood


def pain_in_notes(notes: pd.Series) -> pd.DataFrame:
    """Pain scores written in free notes, by the convention every export teaches
    ("after the session write: pain N/10"), on the 0-10 scale.

    Parameters
    ----------
    notes : Series
        Notes as logged (text or missing values): a workout's or an exercise's notes.

    Returns
    -------
    DataFrame
        Same index as ``notes``; ``value`` (float64, NaN where the note gives no score)
        and ``understood`` (False where a pain word carries a number that is no 0-10
        score, e.g. "pain 12": the week is then "pain unreadable", never "no pain").

    Notes
    -----
    Read: a pain word and its score, as people write them: "pain 3", "pain 3/10",
    "Pain: 7,5", "PAIN 2/10", "felt fine, pain 2", "back pain 4", "pain level 3",
    "Schmerz 6 von 10", "dolor 4", "douleur: 5", "2/10 pain" (a score before the word
    only with its scale); "back 4" (and "Rücken 4", "espalda 4")
    only when the number is a score and no unit follows ("back 3 sets later", "came
    back 5 days later" are not scores). A range counts its higher end, another scale
    is converted ("30/100" is 3), and of several scores in one note the HIGHEST counts
    (the rules are limits: the worse reading decides). A clause that says "no pain" or
    "pain free" in so many words is 0 when the note gives no number; anything else
    without a number ("sore", "pain N/10") gives no score: no data, never good news.
    """
    codes, uniques = pd.factorize(notes, use_na_sentinel=True)
    read = [_note_pain(str(u)) for u in uniques]
    values = np.array([v for v, _ in read] + [np.nan], dtype="float64")
    understood = np.array([ok for _, ok in read] + [True], dtype=bool)
    return pd.DataFrame({"value": values[codes], "understood": understood[codes]},
                        index=notes.index)


# --- the red-flag table ---------------------------------------------------------------------

NICE_NG59 = ("NICE guideline NG59, Low back pain and sciatica in over 16s: assessment and "
             "management (published 30 November 2016, last updated 11 December 2020)")
NICE_CKS_SCIATICA = "NICE Clinical Knowledge Summaries (CKS), Sciatica (lumbar radiculopathy)"
GREENHALGH_2018 = ("Greenhalgh S, Finucane L, Mercer C, Selfe J (2018). Assessment and "
                   "management of cauda equina syndrome. Musculoskeletal Science and Practice "
                   "37:69-74. doi:10.1016/j.msksp.2018.06.002")
FINUCANE_2020 = ("Finucane LM, Downie A, Mercer C, Greenhalgh SM et al. (2020). International "
                 "framework for red flags for potential serious spinal pathologies. J Orthop "
                 "Sports Phys Ther 50(7):350-372")
GIRFT_CES_2023 = ("GIRFT (NHS England), Spinal Surgery: National Suspected Cauda Equina Syndrome "
                  "(CES) Pathway (February 2023; supported by the Society of British "
                  "Neurological Surgeons and other professional bodies)")
CES_SOURCES = f"{GIRFT_CES_2023}; {GREENHALGH_2018}; {FINUCANE_2020}"
RADICULAR_SOURCES = f"{NICE_NG59}; {NICE_CKS_SCIATICA}"

URGENT_ACTION = "urgent: seek care today"
STOP_ACTION = "stop progression and see a clinician"


@dataclass(frozen=True)
class Symptom:
    """One sign that stops progression, and how people write it.

    key, label : the sign's name in the tables and in words.
    urgent : a cauda equina sign: seek care today (``action``).
    source : the guideline or paper the sign comes from.
    terms : (language, patterns) pairs. A pattern is words in order, separated by
        a space (at most :data:`MAX_GAP` other words between them) or by "+" (next to
        each other). A word is a choice of alternatives split by "|": a word
        ("sciatica"), a stem ending in "*" ("numb*": numb, numbness, numbed ...) or a
        class of :data:`CLASSES` ("@leg"). Written folded (lower case, no accents).
    not_elsewhere : not a match when its clause names another body part (hands,
        arms, belly: :data:`CLASSES` "elsewhere") and no leg word.
    """

    key: str
    urgent: bool
    label: str
    source: str
    terms: tuple[tuple[str, tuple[str, ...]], ...]
    not_elsewhere: bool = False

    @property
    def action(self) -> str:
        return URGENT_ACTION if self.urgent else STOP_ACTION

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.terms)


def _terms(**by_language: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(by_language.items())


#: Most words allowed between two words of a pattern (same clause).
MAX_GAP = 4
#: Words that negate a term when one of them stands at most this many words before it.
NEGATION_REACH = 3

#: Word classes the patterns name with "@". Place classes (PLACES) match exactly;
#: the others also match with one spelling slip (see :func:`find_symptoms`).
CLASSES: dict[str, tuple[str, ...]] = {
    "leg": ("leg", "legs", "thigh", "thighs", "hamstring", "hamstrings", "calf", "calves",
            "shin", "shins", "knee", "knees", "ankle", "ankles", "foot", "feet", "toe", "toes",
            "heel", "heels", "sole", "soles", "buttock", "buttocks",
            "bein", "beine", "beinen", "beins", "oberschenkel", "unterschenkel", "wade",
            "waden", "knie", "knien", "knochel", "fuss", "fusse", "fussen", "fusses", "zeh",
            "zehe", "zehen", "ferse", "fusssohle", "gesass",
            "pierna", "piernas", "muslo", "muslos", "pantorrilla", "pantorrillas", "gemelo",
            "gemelos", "rodilla", "rodillas", "tobillo", "tobillos", "pie", "pies", "talon",
            "talones", "nalga", "nalgas",
            "jambe", "jambes", "cuisse", "cuisses", "mollet", "mollets", "genou", "genoux",
            "cheville", "chevilles", "pied", "pieds", "orteil", "orteils", "talons", "fesse",
            "fesses"),
    # weakness and giving way: the limb as a whole, not a muscle ("weak hamstrings" is
    # training talk)
    "limb": ("leg", "legs", "foot", "feet", "ankle", "ankles", "bein", "beine", "beinen",
             "fuss", "fusse", "pierna", "piernas", "pie", "pies", "tobillo", "jambe", "jambes",
             "pied", "pieds", "cheville"),
    "saddle": ("groin", "groins", "crotch", "genital", "genitals", "genitalia", "perineum",
               "perineal", "perianal", "anus", "buttocks", "penis", "vagina", "scrotum",
               "privates", "leiste", "leisten", "schritt", "intimbereich", "genitalien",
               "damm", "gesass", "ingle", "ingles", "entrepierna", "genitales",
               "perine", "perineo", "nalgas", "aine", "aines", "entrejambe", "entrejambes",
               "perinee", "fesses"),
    "elsewhere": ("hand", "hands", "finger", "fingers", "thumb", "thumbs", "palm", "palms",
                  "wrist", "wrists", "arm", "arms", "forearm", "forearms", "grip", "shoulder",
                  "shoulders", "elbow", "elbows", "face", "lip", "lips", "stomach", "belly",
                  "tummy", "hande", "daumen", "arme", "unterarm", "handgelenk", "griff",
                  "schulter", "bauch", "magen", "mano", "manos", "brazo", "brazos", "muneca",
                  "antebrazo", "agarre", "hombro", "estomago", "barriga", "main", "mains",
                  "bras", "poignet", "poignets", "epaule", "ventre"),
    "both": ("both", "beide", "beiden", "beider", "ambas", "ambos", "dos", "deux"),
    "numb": ("numb*", "numbness", "taub*", "taubheit", "taubheitsgefuhl", "gefuhllos*",
             "entumec*", "entumecimiento", "entumid*", "adormec*", "adormecimiento",
             "insensib*", "engourd*", "engourdissement", "anaesthes*", "anesthes*",
             "anasthes*", "anestes*"),
    "tingle": ("tingl*", "tingling", "kribb*", "kribbeln", "ameisenlauf*", "ameisenlaufen",
               "hormigu*", "hormigueo", "fourmill*", "fourmillements", "picot*",
               "picotements", "prickl*", "prickling", "paraesthes*", "paresthes*",
               "parasthes*", "parestes*"),
    "weak": ("weak*", "weakness", "schwach*", "schwache", "kraftlos*", "debil", "debiles",
             "debilidad", "faible", "faibles", "faiblesse"),
    "radiate": ("shooting", "shoots", "radiat*", "radiating", "electric", "electrical",
                "zinging", "shock", "shocks", "ausstrahl*", "ausstrahlend", "einschiess*",
                "schiesst", "irradi*", "irradia", "irradie", "elancement*", "lancinant*"),
    "pain": ("pain", "pains", "ache", "aches", "aching", "hurt", "hurts", "hurting",
             "schmerz", "schmerzen", "schmerzt", "dolor", "dolores", "duele", "douleur",
             "douleurs", "mal"),
    "pee": ("pee", "peeing", "peed", "pees", "urin*", "urinate", "urinating", "bladder",
            "pinkel*", "pinkeln", "wasserlass*", "wasserlassen", "harn*", "orin*", "orinar",
            "vejiga", "vessie", "pipi"),
    "trouble": ("cant", "cannot", "couldnt", "unable", "struggl*", "trouble", "difficult*",
                "difficulty", "hard", "problem*", "issue*", "leak*", "leaking", "dribbl*",
                "lost", "loss", "schwierig*", "schwer", "problem", "probleme", "verlust",
                "dificultad*", "dificil", "problema*", "cuesta", "perdida*", "escap*",
                "difficile*", "difficulte*", "fuite*", "perte"),
    "cantfeel": ("cant", "cannot", "couldnt", "lost", "loss", "reduced", "altered", "less"),
    "feel": ("feel*", "feeling", "sensation*", "sensitiv*", "gefuhl", "sensibilidad",
             "sensibilite", "sensation"),
}
PLACES = ("leg", "limb", "saddle", "elsewhere", "both")

_ANY_SYMPTOM = "@numb|@tingle|@weak|@radiate"

#: The red flags, urgent (cauda equina) first: a note naming several is reported under
#: the first of them here.
SYMPTOMS: tuple[Symptom, ...] = (
    Symptom(
        "saddle_anaesthesia", True,
        "Saddle anaesthesia: numbness or altered feeling around the groin, genitals, "
        "buttocks or back passage", CES_SOURCES,
        _terms(
            en=("saddle anaesthes*|anesthes*|numb*|sensation*|paraesthes*|paresthes*",
                "@numb|@tingle @saddle", "@saddle @numb|@tingle", "@numb between @leg",
                "between @leg @numb", "@cantfeel @feel @saddle", "no+feel* @saddle",
                "@saddle @cantfeel+feel*"),
            de=("reithose*", "reithosenanasthesie", "@numb|@tingle @saddle",
                "kein+gefuhl @saddle"),
            es=("silla montar", "anestesia+silla", "@numb|@tingle @saddle",
                "perdida* sensibilidad @saddle", "sin+sensibilidad @saddle"),
            fr=("anesthes* selle", "@numb|@tingle @saddle", "perte* sensibilite @saddle"),
        )),
    Symptom(
        "bowel", True,
        "New bowel problems: loss of control or of feeling (incontinence)", CES_SOURCES,
        _terms(
            en=("bowel|bowels|faecal|fecal|anal incontinen*|incontinence|control|accident*",
                "incontinen* bowel|bowels|faeces|feces|stool*",
                "lost|loss+control bowel|bowels", "soiled|pooed|pooped myself|pants"),
            de=("stuhlinkontinen*", "inkontinen* stuhl*|darm",
                "stuhl*|darm kontrollverlust|kontrolle"),
            es=("incontinencia fecal|anal", "perdida* control esfinter*|intestin*|heces"),
            fr=("incontinence fecale|anale", "perte* controle selles|intestin*"),
        )),
    Symptom(
        "bladder", True,
        "New bladder problems: difficulty passing urine, retention or leaking", CES_SOURCES,
        _terms(
            en=("incontinen*|incontinence", "@trouble @pee", "@pee @trouble",
                "urin*|urinary retention", "retention urin*", "wet myself",
                "no+urge @pee"),
            de=("inkontinen*|inkontinenz", "harnverhalt*", "kann|konnte+nicht @pee",
                "@trouble @pee"),
            es=("incontinencia", "retencion urin*", "no+puedo|pude|podia @pee",
                "@trouble @pee"),
            fr=("incontinence", "retention urin*", "arrive|peux+pas @pee", "@trouble @pee"),
        )),
    Symptom(
        "sexual_dysfunction", True,
        "New sexual dysfunction: erection, ejaculation or genital feeling", CES_SOURCES,
        _terms(
            en=("erectile dysfunction|problem*|issue*", "sexual dysfunction",
                "cant|couldnt|cannot|trouble|problem*|difficulty|lost|loss erection*",
                "no+erection*", "erection* problem*|trouble|difficult*|issue*|gone",
                "impoten*", "cant|couldnt|cannot ejaculat*",
                "no+feeling|sensation during+sex"),
            de=("erektionsstor*", "erektionsproblem*", "erektile* dysfunktion",
                "keine+erektion", "impotenz", "sexuelle funktionsstor*"),
            es=("disfuncion erectil|sexual", "impoten*", "problema*|dificultad* ereccion*"),
            fr=("dysfonction erectile|sexuelle", "trouble*|probleme* erect*",
                "impuissan*", "pas+d+erection"),
        )),
    Symptom(
        "both_legs", True,
        "Numbness, tingling, weakness or shooting pain in both legs", CES_SOURCES,
        _terms(
            en=(f"{_ANY_SYMPTOM} @both @leg", f"@both @leg {_ANY_SYMPTOM}",
                "bilateral sciatic*|sciatica|@leg"),
            de=(f"{_ANY_SYMPTOM} @both @leg", f"@both @leg {_ANY_SYMPTOM}",
                "beidseitig* ischias*|@leg"),
            es=(f"{_ANY_SYMPTOM} @both @leg", f"@both @leg {_ANY_SYMPTOM}",
                "ciatic*|ciatica bilateral"),
            fr=(f"{_ANY_SYMPTOM} @both @leg", f"@both @leg {_ANY_SYMPTOM}",
                "sciatique bilaterale"),
        )),
    Symptom(
        "foot_drop", False,
        "Foot drop: the foot or toes drag or slap, the foot cannot be lifted",
        RADICULAR_SOURCES,
        _terms(
            en=("foot+drop", "drop+foot", "dropfoot|footdrop", "drag*+my @limb",
                "toes|toe catch*|catching|drag*|dragging"),
            de=("fallfuss", "fussheber*", "fussheberschwache", "steppergang"),
            es=("pie+caido", "arrastr*+el+pie"),
            fr=("pied+tombant", "steppage", "traine*+le+pied"),
        )),
    Symptom(
        "leg_weakness", False,
        "Weakness in a leg or foot, or the leg giving way", RADICULAR_SOURCES,
        _terms(
            en=("@weak @limb", "@limb @weak", "@limb gave|give|gives|giving+way|out",
                "@limb buckl*"),
            de=("@weak @limb", "@limb @weak", "@limb knickt|knickte|weggeknickt|nachgegeben",
                "@limb gibt|gab+nach"),
            es=("@weak @limb", "@limb @weak", "@limb falla|fallo|fallaba",
                "dobla|doblo|doblaba @limb"),
            fr=("@weak @limb", "@limb @weak", "@limb lache|lachait|flanche*|derob*"),
        )),
    Symptom(
        "numbness", False,
        "Numbness or loss of feeling in the leg or foot", RADICULAR_SOURCES,
        _terms(
            en=("@numb", "@cantfeel @feel @leg", "no+feel* @leg", "not+feel* @leg",
                "@leg asleep"),
            de=("@numb", "kein+gefuhl @leg", "@leg eingeschlafen",
                "eingeschlafen* @leg"),
            es=("@numb", "no+siento @leg", "sin+sensibilidad", "perdida* sensibilidad",
                "durmio|duerme|dormida|dormido @leg", "@leg dormid*"),
            fr=("@numb", "sens+plus @leg", "perte* sensibilite", "@leg endormi*"),
        ),
        not_elsewhere=True),
    Symptom(
        "tingling", False,
        "Tingling, pins and needles or burning-prickling in the leg or foot",
        RADICULAR_SOURCES,
        _terms(
            en=("@tingle", "pins needles"),
            de=("@tingle", "ameisenlaufen", "nadelstich* @leg"),
            es=("@tingle", "hormigas @leg"),
            fr=("@tingle", "fourmis @leg"),
        ),
        not_elsewhere=True),
    Symptom(
        "radiating_leg_pain", False,
        "Pain radiating below the buttock into the leg, knee, calf or foot (sciatica)",
        RADICULAR_SOURCES,
        _terms(
            en=("sciatic*|sciatica", "radicul*", "@radiate @leg", "@pain down|into @leg"),
            de=("ischias*|ischialg*", "radikul*", "@radiate @leg", "zieht+ins|bis @leg",
                "@pain ins|bis @leg"),
            es=("ciatic*|ciatica", "radicul*", "@radiate @leg", "@pain hasta|hacia @leg",
                "baja|bajaba|bajando|desciende|corre|recorre+por @leg"),
            fr=("sciatique|sciatiques", "radicul*", "cruralg*", "@radiate @leg",
                "@pain jusqu @leg", "descend|descendait+dans|jusqu @leg"),
        )),
)

# --- how a note is read ---------------------------------------------------------------------

#: Words that negate a term standing at most NEGATION_REACH words after them, in the
#: same clause ("no numbness", "keine Taubheit", "sin hormigueo", "pas de fourmillements").
NEGATORS = frozenset((
    "no", "not", "never", "without", "nor", "zero", "didnt", "dont", "doesnt", "isnt",
    "wasnt", "werent", "havent", "hasnt", "hadnt", "kein", "keine", "keinen", "keiner",
    "keinem", "nicht", "ohne", "nie", "sin", "ni", "nunca", "ningun", "ninguna", "ninguno",
    "pas", "sans", "aucun", "aucune", "jamais"))
#: Words that open a new clause: a negation before them does not reach past them.
CONTRAST = frozenset(("but", "though", "although", "however", "yet", "aber", "doch",
                      "sondern", "pero", "sino", "aunque", "mais", "cependant", "pourtant"))
#: A place word right before one of these is an exercise or kit, not a place
#: ("leg day", "calf raise", "foot position", "knee sleeves").
GYM_AFTER = frozenset((
    "press", "presses", "day", "days", "curl", "curls", "extension", "extensions", "raise",
    "raises", "drive", "sleeve", "sleeves", "wrap", "wraps", "position", "placement",
    "stance", "width", "angle", "workout", "session", "machine", "swing", "swings",
    "presse", "tag", "training", "strecker", "beuger"))
#: A place word at most two words after one of these is an exercise ("prensa de piernas",
#: "dia de pierna", "presse a cuisses", "jour des jambes", "single leg").
GYM_BEFORE = frozenset(("prensa", "dia", "extension", "presse", "jour", "journee", "single"))
#: Tokens that a stem would take for a symptom but are everyday words.
NOT_SYMPTOMS = frozenset(("number", "numbers", "numbered", "numbering", "numberd"))
#: Spelling slips: one edit (OSA: a transposition counts once) in words of this many
#: letters or more, the first letter right.
FUZZY_MIN = 5

#: A word ("can't" whole) or a mark that ends a clause.
_PIECE = re.compile(r"(\w+(?:['\u2019]t\b)?)|[.,;:!?()\[\]\n\r\u2022|]", re.IGNORECASE)


class _Atom(NamedTuple):
    text: str
    stem: bool
    place: bool


class _Term(NamedTuple):
    row: int
    elements: tuple[int, ...]   # bit masks of atoms
    gaps: tuple[int, ...]       # most words allowed before each element after the first


def _compile() -> tuple[list[_Atom], list[_Term], int, int, int]:
    atoms: dict[tuple[str, bool], int] = {}
    kinds: list[_Atom] = []

    def atom(word: str, place: bool) -> int:
        stem = word.endswith("*")
        key = (word.rstrip("*"), stem)
        if key not in atoms:
            atoms[key] = len(kinds)
            kinds.append(_Atom(key[0], stem, place))
        return 1 << atoms[key]

    classes = {name: reduce(or_, (atom(w, name in PLACES) for w in words))
               for name, words in CLASSES.items()}

    def element(text: str) -> int:
        return reduce(or_, (classes[a[1:]] if a.startswith("@") else atom(a, False)
                            for a in text.split("|")))

    terms = []
    for row, symptom in enumerate(SYMPTOMS):
        for _, patterns in symptom.terms:
            for pattern in patterns:
                elements, gaps = [], []
                for group in pattern.split():
                    for j, part in enumerate(group.split("+")):
                        elements.append(element(part))
                        gaps.append(0 if j else MAX_GAP)
                terms.append(_Term(row, tuple(elements), tuple(gaps[1:])))
    place = classes["leg"] | classes["limb"] | classes["saddle"] | classes["elsewhere"]
    return kinds, terms, place, classes["leg"], classes["elsewhere"]


_ATOMS, _TERMS, _PLACE, _LEG, _ELSEWHERE = _compile()


def _lookups() -> tuple[dict[str, int], dict[int, dict[str, int]], list[tuple[str, int]],
                        dict[int, list[int]]]:
    """Atom masks by exact word, by stem (per stem length), the words matched with one
    slip, and for each atom the terms whose first word it matches."""
    exact: dict[str, int] = {}
    stems: dict[int, dict[str, int]] = {}
    for i, a in enumerate(_ATOMS):
        table = stems.setdefault(len(a.text), {}) if a.stem else exact
        table[a.text] = table.get(a.text, 0) | (1 << i)
    fuzzy = [(a.text, 1 << i) for i, a in enumerate(_ATOMS)
             if not a.stem and not a.place and len(a.text) >= FUZZY_MIN]
    starts: dict[int, list[int]] = {}
    for t, term in enumerate(_TERMS):
        mask = term.elements[0]
        while mask:
            bit = mask & -mask
            starts.setdefault(bit, []).append(t)
            mask ^= bit
    return exact, stems, fuzzy, starts


_EXACT, _STEMS, _FUZZY, _STARTS = _lookups()


def _tokens(note: str, folded: dict[str, str]) -> tuple[list[str], list[tuple[int, int]],
                                                          list[int]]:
    """Folded words of a note, their spans in it and the clause each belongs to
    (``folded``: the words folded so far, shared between the notes of one call)."""
    words, spans, clauses = [], [], []
    clause = 0
    for m in _PIECE.finditer(note):
        raw = m.group(1)
        if raw is None:
            clause += 1
            continue
        word = folded.get(raw)
        if word is None:
            word = folded[raw] = fold(raw).replace("'", "").replace("\u2019", "")
        if word in CONTRAST:
            clause += 1
        words.append(word)
        spans.append(m.span())
        clauses.append(clause)
    return words, spans, clauses


def _vocabulary(words: set[str]) -> dict[str, int]:
    """The atoms each distinct word matches: exactly, by stem, or with one slip."""
    masks = {}
    for w in words:
        mask = _EXACT.get(w, 0)
        if w not in NOT_SYMPTOMS:
            for size, stems in _STEMS.items():
                if len(w) >= size:
                    mask |= stems.get(w[:size], 0)
        masks[w] = mask
    long = [w for w in words if len(w) >= FUZZY_MIN and not w.isdigit()]
    if long and _FUZZY:
        near = cdist(long, [t for t, _ in _FUZZY], scorer=OSA.distance, score_cutoff=1,
                     dtype=np.int8)
        for i, j in zip(*np.nonzero(near <= 1), strict=True):
            if long[i][0] == _FUZZY[j][0][0]:
                masks[long[i]] |= _FUZZY[j][1]
    return masks


def _masks(words: list[str], vocab: dict[str, int]) -> list[int]:
    masks = [vocab[w] for w in words]
    for i, mask in enumerate(masks):
        if mask & _PLACE and ((i + 1 < len(words) and words[i + 1] in GYM_AFTER)
                              or any(w in GYM_BEFORE for w in words[max(0, i - 2):i])):
            masks[i] = mask & ~_PLACE
    return masks


def _match(term: _Term, words: list[str], masks: list[int],
           clauses: list[int]) -> tuple[int, int] | None:
    """The first span (first word, last word) where ``term`` is written, not negated."""
    n = len(masks)
    for start in range(n):
        if not masks[start] & term.elements[0]:
            continue
        clause, pos = clauses[start], start
        for element, gap in zip(term.elements[1:], term.gaps, strict=True):
            nxt = next((j for j in range(pos + 1, min(n, pos + gap + 2))
                        if clauses[j] == clause and masks[j] & element), None)
            if nxt is None:
                break
            pos = nxt
        else:
            span = range(start, pos + 1)
            negated = any(words[j] in NEGATORS and clauses[j] == clause
                          for j in range(max(0, start - NEGATION_REACH), start))
            if not negated and not any(words[j].isdigit() for j in span):
                return start, pos
    return None


def _elsewhere(masks: list[int], clauses: list[int], clause: int) -> bool:
    """The clause names another body part (a hand, the belly) and no leg word."""
    inside = [m for m, c in zip(masks, clauses, strict=True) if c == clause]
    return any(m & _ELSEWHERE for m in inside) and not any(m & _LEG for m in inside)


def _first_symptom(note: str, tokens: tuple[list[str], list[tuple[int, int]], list[int]],
                   vocab: dict[str, int]) -> tuple[int, str] | None:
    words, spans, clauses = tokens
    masks = _masks(words, vocab)
    present = reduce(or_, masks, 0)
    if not present & _ANY_START:
        return None
    candidates: set[int] = set()
    mask = present
    while mask:
        bit = mask & -mask
        candidates.update(_STARTS.get(bit, ()))
        mask ^= bit
    for t in sorted(candidates, key=_RANK.__getitem__):
        term = _TERMS[t]
        if not all(e & present for e in term.elements):
            continue
        found = _match(term, words, masks, clauses)
        if found is None:
            continue
        if SYMPTOMS[term.row].not_elsewhere and _elsewhere(masks, clauses, clauses[found[0]]):
            continue
        text = " ".join(note[spans[found[0]][0]:spans[found[1]][1]].split())
        return term.row, text[:60]
    return None


_ORDER = {row: rank for rank, row in enumerate(
    sorted(range(len(SYMPTOMS)), key=lambda r: (not SYMPTOMS[r].urgent, r)))}
_RANK = [(_ORDER[term.row], t) for t, term in enumerate(_TERMS)]
_ANY_START = reduce(or_, (term.elements[0] for term in _TERMS))
FOUND_COLUMNS = ("symptom", "urgent", "label", "matched")


def find_symptoms(notes: pd.Series) -> pd.DataFrame:
    """The notes that name a red-flag symptom of :data:`SYMPTOMS`.

    Parameters
    ----------
    notes : Series
        Free-text workout notes (missing values allowed).

    Returns
    -------
    DataFrame
        One row per note that names a symptom, indexed like ``notes``: ``symptom``
        (the key of the most serious sign named: urgent rows first, then table
        order), ``urgent`` (bool), ``label`` (in English) and ``matched`` (the words
        of the note that matched, at most 60 characters).

    Notes
    -----
    Matching is done once per distinct note, on its words folded by :func:`fold`
    (case, accents and "ß" do not matter; "can't" is "cant"). A stem matches every
    ending ("numb*": numb, numbness, numbed; "taub*": Taubheitsgefühl); a word of
    five letters or more also matches with one slip (insertion, deletion,
    substitution or transposition, first letter right: "numbess", "sciatca",
    "hormigeo"). The words of a pattern come in order with at most
    :data:`MAX_GAP` other words between them, inside one clause (clauses end at
    punctuation and at "but", "aber", "pero", "mais" ...). A match that spans a
    number is not taken ("pain down to 3 knees fine").

    Pain, shooting and radiating count only tied to a leg word ("shooting pain down
    my thigh", "dolor que baja por la pierna"; not "shooting pain in my lower back",
    not "pain 6", not "knee pain"); weakness only tied to a leg or foot ("weak grip",
    "felt weak today" are not). A leg word right before "press", "day", "raise",
    "position", "sleeves" ... or after "prensa", "dia", "presse", "jour", "single" is
    an exercise, not a place. Numbness and tingling count on their own, except in a
    clause that names a hand, arm or the belly and no leg ("fingers numb from the bar",
    "Kribbeln im Bauch").

    Negation: a term with "no", "not", "without", "kein(e)", "nicht", "ohne", "sin",
    "ni", "pas", "sans", "aucun(e)" ... at most :data:`NEGATION_REACH` words before it
    in the same clause is not a match ("no numbness", "no more tingling", "keine
    Taubheit", "sin hormigueo", "pas de fourmillements"; but "no pain but numb toes"
    is). Negation written after the term ("numbness: none") is not seen, and the
    note counts: the screen errs towards asking.

    References
    ----------
    Nerve-root signs: NICE NG59 (2016, updated 2020) and NICE CKS Sciatica (lumbar
    radiculopathy). Cauda equina: the GIRFT National Suspected CES Pathway (2023),
    Greenhalgh et al. (2018) and Finucane et al. (2020); see each row's ``source``.
    """
    codes, uniques = pd.factorize(notes, use_na_sentinel=True)
    texts = [u if isinstance(u, str) else str(u) for u in uniques]
    folded: dict[str, str] = {}
    tokens = [_tokens(t, folded) for t in texts]
    vocab = _vocabulary({w for words, _, _ in tokens for w in words})
    found = [_first_symptom(t, tok, vocab) for t, tok in zip(texts, tokens, strict=True)]
    hit = np.array([f is not None for f in found] + [False], dtype=bool)
    rows = np.flatnonzero(hit[codes])
    which = codes[rows]
    keys = np.array([SYMPTOMS[f[0]].key if f else "" for f in found] + [""], dtype=object)
    urgent = np.array([SYMPTOMS[f[0]].urgent if f else False for f in found] + [False])
    labels = np.array([SYMPTOMS[f[0]].label if f else "" for f in found] + [""], dtype=object)
    matched = np.array([f[1] if f else "" for f in found] + [""], dtype=object)
    return pd.DataFrame({"symptom": pd.array(keys[which], dtype="str"),
                         "urgent": urgent[which].astype(bool),
                         "label": pd.array(labels[which], dtype="str"),
                         "matched": pd.array(matched[which], dtype="str")},
                        index=notes.index[rows], columns=list(FOUND_COLUMNS))
