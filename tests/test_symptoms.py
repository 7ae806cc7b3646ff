"""Pain scores and red-flag symptoms read from free text (planner.symptoms)."""

from __future__ import annotations

import time
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.symptoms import (
    CLASSES,
    NEGATORS,
    SYMPTOMS,
    URGENT_ACTION,
    find_symptoms,
    fold,
    read_pain,
)

# --- read_pain ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("9/10", 9.0), ("9 / 10", 9.0), ("7,5", 7.5), ("7.5", 7.5), ("pain 6", 6.0),
    ("Pain: 6", 6.0), ("PAIN=6", 6.0), ("6 out of 10", 6.0), ("6 of 10", 6.0),
    ("6 von 10", 6.0), ("6 sur 10", 6.0), ("6 de 10", 6.0), ("3-4", 4.0),
    ("3 \u2013 4", 4.0), ("3 to 4", 4.0), ("3 bis 4", 4.0), ("4-3", 4.0), ("3-4/10", 4.0),
    ("8/10 sharp", 8.0), (" 5 ", 5.0), ("0", 0.0), ("none", 0.0), ("None", 0.0),
    ("no pain", 0.0), ("keine", 0.0), ("ninguno", 0.0), ("aucune", 0.0), ("Aucune", 0.0),
    ("6\u204410", 6.0), ("6\u221510", 6.0), ("6\uff0f10", 6.0), ("3/5", 6.0),
    ("30/100", 3.0), ("5", 5.0), ("5.0", 5.0), ("10", 10.0), ("10/10", 10.0),
    ("Schmerz 4", 4.0), ("dolor 2,5", 2.5), ("6/10!", 6.0),
])
def test_read_pain_reads_what_people_write(text, value):
    out = read_pain(pd.Series([text]))
    assert out["value"].iloc[0] == value
    assert bool(out["understood"].iloc[0])


@pytest.mark.parametrize("text", [
    "sore", "bad", "better", "?", "12", "11/10", "-2", "6/0", "6 then 8", "6, 8", "6 8",
    "set 3: 6", "6/10 then 8/10", "lots", "3-14",
])
def test_read_pain_leaves_what_it_cannot_read(text):
    out = read_pain(pd.Series([text]))
    assert np.isnan(out["value"].iloc[0])
    assert not bool(out["understood"].iloc[0])


def test_two_unrelated_numbers_are_not_guessed():
    """The decision: "6 then 8" is neither 6 nor 8 (nor the higher) but not understood;
    only an explicit range ("6-8", "6 to 8") takes its higher end."""
    out = read_pain(pd.Series(["6 then 8", "6-8", "6 to 8"]))
    assert out["understood"].tolist() == [False, True, True]
    assert out["value"].tolist()[1:] == [8.0, 8.0]


def test_read_pain_blanks_are_understood_and_numbers_pass():
    texts = pd.Series(["", "  ", None, np.nan, 5, 7.5, 12], index=list("abcdefg"),
                      dtype=object)
    out = read_pain(texts)
    assert list(out.index) == list("abcdefg")
    assert out["value"].dtype == np.float64 and out["understood"].dtype == bool
    assert out["understood"].tolist() == [True] * 6 + [False]
    assert out["value"].iloc[4:6].tolist() == [5.0, 7.5]
    assert out["value"].iloc[:4].isna().all()


def test_read_pain_on_a_string_column_and_an_empty_one():
    out = read_pain(pd.Series(["3", "4/10", None], dtype="str"))
    assert out["value"].iloc[:2].tolist() == [3.0, 4.0]
    empty = read_pain(pd.Series([], dtype=object))
    assert list(empty.columns) == ["value", "understood"] and len(empty) == 0


@given(st.integers(0, 10), st.sampled_from(["/", " / ", "\u2215", " of ", " out of "]))
def test_property_n_over_ten(n, slash):
    assert read_pain(pd.Series([f"{n}{slash}10"]))["value"].iloc[0] == n


@given(st.integers(0, 9), st.sampled_from([",", "."]))
def test_property_half_points(n, mark):
    assert read_pain(pd.Series([f"{n}{mark}5"]))["value"].iloc[0] == n + 0.5


@given(st.integers(0, 10), st.integers(0, 10),
       st.sampled_from(["-", " - ", "\u2013", " \u2013 ", " to ", "\u2014"]))
def test_property_a_range_counts_its_higher_end(a, b, dash):
    out = read_pain(pd.Series([f"{a}{dash}{b}"]))
    assert out["value"].iloc[0] == max(a, b) and bool(out["understood"].iloc[0])


# --- find_symptoms: what must be found -------------------------------------------------------

FOUND = [
    # numbness
    ("numbness in my left foot", "numbness"), ("numb toes", "numbness"),
    ("my left foot went numb", "numbness"), ("Taubheitsgefühl im Bein", "numbness"),
    ("Fuß taub", "numbness"), ("entumecimiento en la pierna", "numbness"),
    ("adormecimiento del pie", "numbness"), ("engourdissement du pied", "numbness"),
    ("couldn't feel my foot", "numbness"), ("no feeling in my toes", "numbness"),
    ("se me durmió la pierna", "numbness"), ("foot fell asleep", "numbness"),
    ("no pain but numb toes", "numbness"),
    # tingling
    ("tingling in the calf", "tingling"), ("tingles", "tingling"),
    ("pins and needles in my foot", "tingling"), ("pins & needles down the calf", "tingling"),
    ("Kribbeln im linken Fuß", "tingling"), ("Ameisenlaufen", "tingling"),
    ("hormigueo en los dedos del pie", "tingling"), ("ça picote dans le mollet", "tingling"),
    ("fourmillements", "tingling"), ("picotements dans le pied", "tingling"),
    ("des fourmis dans les jambes", "tingling"),
    # weakness, giving way, foot drop
    ("weakness in my left leg", "leg_weakness"), ("leg gave way on the stairs", "leg_weakness"),
    ("my leg keeps giving way", "leg_weakness"), ("Bein knickt weg", "leg_weakness"),
    ("debilidad en la pierna", "leg_weakness"), ("faiblesse dans la jambe", "leg_weakness"),
    ("la jambe a lâché", "leg_weakness"), ("foot drop", "foot_drop"),
    ("Fallfuß links", "foot_drop"), ("pie caído", "foot_drop"), ("pied tombant", "foot_drop"),
    ("dragging my left foot", "foot_drop"),
    # radiating pain
    ("shooting pain down my thigh", "radiating_leg_pain"), ("sciatica", "radiating_leg_pain"),
    ("sciatica flared up", "radiating_leg_pain"), ("pain down my leg", "radiating_leg_pain"),
    ("pain radiating into the knee", "radiating_leg_pain"),
    ("ausstrahlend ins Bein", "radiating_leg_pain"),
    ("Schmerzen strahlen ins Bein aus", "radiating_leg_pain"),
    ("zieht bis in den Fuß", "radiating_leg_pain"), ("Ischias", "radiating_leg_pain"),
    ("dolor que baja por la pierna", "radiating_leg_pain"), ("ciática", "radiating_leg_pain"),
    ("irradie dans la jambe", "radiating_leg_pain"), ("sciatique", "radiating_leg_pain"),
    ("douleur qui descend dans la jambe", "radiating_leg_pain"),
    # cauda equina: urgent
    ("saddle anaesthesia", "saddle_anaesthesia"), ("numb between my legs", "saddle_anaesthesia"),
    ("numbness in the groin", "saddle_anaesthesia"),
    ("couldn't feel my groin area", "saddle_anaesthesia"),
    ("Reithosenanästhesie", "saddle_anaesthesia"), ("taub im Schritt", "saddle_anaesthesia"),
    ("entumecimiento en la ingle", "saddle_anaesthesia"),
    ("anestesia en silla de montar", "saddle_anaesthesia"),
    ("anesthésie en selle", "saddle_anaesthesia"), ("engourdissement de l'aine",
                                                    "saddle_anaesthesia"),
    ("trouble peeing since yesterday", "bladder"), ("can't pee", "bladder"),
    ("leaking urine", "bladder"), ("urinary retention", "bladder"),
    ("incontinence", "bladder"), ("kann nicht pinkeln", "bladder"),
    ("Probleme beim Wasserlassen", "bladder"), ("no puedo orinar", "bladder"),
    ("se me escapa la orina", "bladder"), ("je n'arrive pas à uriner", "bladder"),
    ("fuites urinaires", "bladder"),
    ("bowel incontinence", "bowel"), ("lost control of my bowels", "bowel"),
    ("Stuhlinkontinenz", "bowel"), ("incontinencia fecal", "bowel"),
    ("incontinence fécale", "bowel"),
    ("erectile dysfunction", "sexual_dysfunction"),
    ("couldn't get an erection", "sexual_dysfunction"),
    ("Erektionsstörung", "sexual_dysfunction"), ("disfunción eréctil", "sexual_dysfunction"),
    ("troubles de l'érection", "sexual_dysfunction"),
    ("both legs numb", "both_legs"), ("numbness in both legs", "both_legs"),
    ("weakness in both legs", "both_legs"), ("beide Beine taub", "both_legs"),
    ("hormigueo en ambas piernas", "both_legs"), ("les deux jambes engourdies", "both_legs"),
    # spelling slips
    ("tinglng in foot", "tingling"), ("numbess", "numbness"), ("sciatca", "radiating_leg_pain"),
    ("hormigeo", "tingling"), ("radiaitng into my calf", "radiating_leg_pain"),
    ("nunbness in the foot", "numbness"),
]


@pytest.mark.parametrize(("note", "key"), FOUND)
def test_finds_the_symptom(note, key):
    out = find_symptoms(pd.Series([note]))
    assert out["symptom"].tolist() == [key], note
    symptom = next(s for s in SYMPTOMS if s.key == key)
    assert bool(out["urgent"].iloc[0]) == symptom.urgent
    assert out["label"].iloc[0] == symptom.label
    matched = out["matched"].iloc[0]
    assert 0 < len(matched) <= 60 and fold(matched) in fold(note)


def test_output_shape_index_and_the_most_serious_first():
    notes = pd.Series(["good session", "numb toes", None, "numb toes and can't pee",
                       "numb toes"], index=[10, 11, 12, 13, 14])
    out = find_symptoms(notes)
    assert list(out.columns) == ["symptom", "urgent", "label", "matched"]
    assert list(out.index) == [11, 13, 14]
    assert out["symptom"].tolist() == ["numbness", "bladder", "numbness"]
    assert out["urgent"].dtype == bool and out["urgent"].tolist() == [False, True, False]
    assert out.loc[13, "matched"] == "can't pee"


def test_matched_is_cut_at_sixty_characters():
    note = "shooting pain down my " + "very " * 2 + "left calf"
    out = find_symptoms(pd.Series([note, "x " * 100 + "sciatica " + "word " * 100,
                                   "numb" + "x" * 80]))
    assert len(out) == 3
    assert out["matched"].str.len().max() <= 60


def test_no_notes_and_blank_notes():
    assert find_symptoms(pd.Series([], dtype=object)).empty
    assert find_symptoms(pd.Series([None, np.nan, "", "   "], dtype=object)).empty


# --- find_symptoms: negation, places, everyday notes ----------------------------------------


@pytest.mark.parametrize(("negated", "stated"), [
    ("no numbness", "numbness"), ("keine Taubheit", "Taubheit"),
    ("sin hormigueo", "hormigueo"), ("pas de fourmillements", "fourmillements"),
    ("no more tingling", "more tingling"), ("no pain down my leg", "pain down my leg"),
    ("no numbness or tingling", "numbness and tingling"),
    ("without pins and needles", "pins and needles"), ("ohne Kribbeln", "Kribbeln"),
    ("sans engourdissement", "engourdissement"), ("no trouble peeing", "trouble peeing"),
    ("kein Ischias heute", "Ischias heute"), ("didn't feel numb", "felt numb"),
])
def test_negation_close_before_the_term(negated, stated):
    assert find_symptoms(pd.Series([negated])).empty, negated
    assert len(find_symptoms(pd.Series([stated]))) == 1, stated


def test_negation_stops_at_a_clause():
    assert len(find_symptoms(pd.Series(["no pain, but tingling in my foot"]))) == 1
    assert len(find_symptoms(pd.Series(["keine Schmerzen, aber Kribbeln im Fuß"]))) == 1
    assert len(find_symptoms(pd.Series(["no pain. numb toes"]))) == 1


@pytest.mark.parametrize(("place", "no_place"), [
    ("shooting pain down my thigh", "shooting pain in my lower back"),
    ("pain down my leg", "pain 6"),
    ("pain down into my calf", "back pain down to 3, calves fine"),
    ("weak left leg", "weak grip"),
    ("dolor que baja por la pierna", "dolor lumbar"),
    ("irradie dans la jambe", "douleur lombaire"),
    ("ausstrahlend ins Bein", "Rückenschmerzen"),
])
def test_pain_and_weakness_need_a_leg(place, no_place):
    assert len(find_symptoms(pd.Series([place]))) == 1, place
    assert find_symptoms(pd.Series([no_place])).empty, no_place


#: Ordinary notes from a training log: none of them is a red flag.
EVERYDAY = [
    "weak grip", "felt weak today", "weak off the floor", "weak lockout", "legs tired",
    "leg day", "calf raise 3x15", "foot position wider", "knee sleeves on", "numbers look good",
    "number of reps was off", "shooting pain in my lower back", "pain 6", "knee pain on squats",
    "lower back tight", "hamstrings sore", "DOMS in my quads", "glutes on fire",
    "burning in my calves on the last set", "grip gave out on the last rep",
    "fingers went numb holding the bar", "descend slowly, knees out",
    "spread the floor with my feet", "dragging the sled with my feet", "single leg RDL wobbly",
    "shin scraped on the bar", "legs shaking on the last set", "good session, no pain",
    "no numbness or tingling", "no pain down the leg today", "leg press felt heavy",
    "weaker side is the left", "both legs felt strong", "shooting for a PR next week",
    "pain down to 3 knees fine", "peed before the session", "no trouble peeing",
    "saddle height on the bike", "groin tight after sumo", "election night, slept 5h",
    "stiff in the morning", "heels elevated", "toes pointed out", "cramp in my calf",
    "Beintag, alles gut", "Wadenheben 3x15", "Kribbeln im Bauch vor dem PR",
    "Blasen an den Händen", "Schmerz 3", "Beinpresse schwer", "sin dolor hoy",
    "día de pierna", "prensa de piernas pesada", "baja la barra hasta la rodilla",
    "me duele la espalda baja", "jour des jambes", "presse à cuisses", "douleur lombaire 4/10",
    "fatigue dans les jambes", "sans fourmillements", "mains engourdies par la barre",
    "between sets rested 3 min", "bar drifted forward", "belt on for the top set",
    "calves cramped", "knee caved in on rep 5",
]


def test_at_least_forty_everyday_notes():
    assert len(set(EVERYDAY)) >= 40


@pytest.mark.parametrize("note", EVERYDAY)
def test_everyday_notes_are_not_red_flags(note):
    assert find_symptoms(pd.Series([note])).empty, find_symptoms(pd.Series([note])).to_dict()


# --- find_symptoms: properties --------------------------------------------------------------

HITS = [note for note, _ in FOUND]
GYM_WORDS = ["deadlift", "bridge", "sets", "reps", "kg", "rpe", "8", "warmup", "felt", "heavy",
             "easy", "today", "bar", "belt", "chalk", "lockout", "tempo", "pause", "top",
             "3x5", "100kg", "Kreuzheben", "peso", "série", "stretch", "rotational"]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HITS),
       st.sampled_from([str.upper, str.lower, str.swapcase, str.title, strip_accents]))
def test_property_case_and_accents_do_not_matter(note, change):
    before = find_symptoms(pd.Series([note]))
    after = find_symptoms(pd.Series([change(note)]))
    assert after["symptom"].tolist() == before["symptom"].tolist()


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HITS), st.lists(st.sampled_from(GYM_WORDS), max_size=6),
       st.lists(st.sampled_from(GYM_WORDS), max_size=6))
def test_property_gym_words_around_a_hit_keep_it(note, before, after):
    key = find_symptoms(pd.Series([note]))["symptom"].tolist()
    padded = " ".join([*before, note, *after])
    assert find_symptoms(pd.Series([padded]))["symptom"].tolist() == key


# --- the table ------------------------------------------------------------------------------


def test_every_row_has_a_source_an_action_and_terms_in_four_languages():
    assert len({s.key for s in SYMPTOMS}) == len(SYMPTOMS)
    for s in SYMPTOMS:
        assert s.source and s.label
        assert {"en", "de", "es", "fr"} <= set(s.languages), s.key
        assert all(patterns for _, patterns in s.terms), s.key
    assert {s.key for s in SYMPTOMS if s.urgent} == {
        "saddle_anaesthesia", "bladder", "bowel", "sexual_dysfunction", "both_legs"}
    assert all(s.action == URGENT_ACTION for s in SYMPTOMS if s.urgent)
    urgent = [s.urgent for s in SYMPTOMS]
    assert urgent == sorted(urgent, reverse=True)   # urgent rows first


def test_cauda_equina_rows_cite_the_ces_sources_and_the_others_nice():
    for s in SYMPTOMS:
        if s.urgent:
            assert "GIRFT" in s.source and "Greenhalgh" in s.source
        else:
            assert "NG59" in s.source and "CKS" in s.source


def test_patterns_are_folded_and_name_known_classes():
    for s in SYMPTOMS:
        for _, patterns in s.terms:
            for pattern in patterns:
                assert pattern == fold(pattern), pattern
                for word in pattern.replace("+", " ").replace("|", " ").split():
                    if word.startswith("@"):
                        assert word[1:] in CLASSES, pattern


def test_a_pattern_opening_with_a_negation_word_holds_it_to_the_next_word():
    """"no feeling in my groin" is a symptom, "no loss of feeling" is not: a pattern whose
    first word can be a negation word joins it to the next with "+"."""
    for s in SYMPTOMS:
        for _, patterns in s.terms:
            for pattern in patterns:
                first = pattern.split()[0]
                if set(first.split("+")[0].split("|")) & NEGATORS:
                    assert "+" in first, pattern
    assert find_symptoms(pd.Series(["no loss of feeling in my groin"])).empty


MIXED_WORDS = ("felt heavy today good bar speed deadlift bridge hold set tempo belt grip leg day "
               "back tight hamstrings sore knee sleeves calf raise numb toes tingling no pain "
               "down my leg shooting sciatica Kribbeln im Fuß dolor pierna jambe weak both legs "
               "groin can't pee numbers")


def test_ten_thousand_distinct_notes_in_a_million_rows_are_quick():
    rng = np.random.default_rng(0)
    words = np.array(MIXED_WORDS.split())
    distinct = [" ".join(rng.choice(words, size=8)) + f" {i}" for i in range(10_000)]
    notes = pd.Series(np.array(distinct, dtype=object)[rng.integers(0, 10_000, 1_000_000)])
    start = time.perf_counter()
    out = find_symptoms(notes)
    assert time.perf_counter() - start < 3.0   # about 1 s on the project's machine
    assert 0 < len(out) < len(notes)
