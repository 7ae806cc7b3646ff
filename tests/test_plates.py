"""Plate arithmetic against hand-counted loads."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.plates import PlateSet

KG = PlateSet(20.0, (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25), "kg")
LB = PlateSet(45.0, (45.0, 35.0, 25.0, 10.0, 5.0, 2.5), "lb")


@pytest.mark.parametrize(
    ("plates", "load", "text"),
    [
        (KG, 20.0, "20 kg bar only"),
        (KG, 62.5, "20 kg bar + 20 + 1.25 kg each side"),  # 20 + 2*(20 + 1.25) = 62.5
        (KG, 142.5, "20 kg bar + 25 + 25 + 10 + 1.25 kg each side"),  # 20 + 2*(50 + 10 + 1.25)
        (LB, 135.0, "45 lb bar + 45 lb each side"),
        (LB, 225.0, "45 lb bar + 45 + 45 lb each side"),
        (LB, 50.0, "45 lb bar + 2.5 lb each side"),
    ],
)
def test_describe_hand_counted_loads(plates, load, text):
    assert plates.describe(load) == text


def test_fewest_plates_not_greedy():
    # Greedy from the heaviest plate fails for 2x20 per side with 15s and 10s only.
    ps = PlateSet(20.0, (15.0, 10.0), "kg")
    assert ps.describe(60.0) == "20 kg bar + 10 + 10 kg each side"
    assert not ps.is_loadable(30.0)  # 5 a side cannot be made
    assert ps.loads(80.0) == [20.0, 40.0, 50.0, 60.0, 70.0, 80.0]


def test_unloadable_load_names_neighbours():
    with pytest.raises(ValueError, match="nearest loadable loads: 60 and 62.5"):
        KG.breakdown(61.0)


def test_round_down_next_up_and_smallest_step():
    assert KG.round_down(61.0) == 60.0
    assert KG.next_up(60.0) == 62.5
    assert KG.smallest_step() == 2.5
    assert LB.smallest_step() == 5.0
    assert KG.round_down(5.0) == 20.0  # never below the bar


def test_increase_is_capped_at_ten_percent_or_the_smallest_step():
    assert KG.increase(20.0, 10.0) == 22.5  # 10 % of 20 is 2; the smallest step 2.5 wins
    assert KG.increase(100.0, 20.0) == 110.0  # capped at 10 %
    assert KG.increase(100.0, None) == 102.5  # default: the smallest step
    assert KG.increase(100.0, 5.0) == 105.0


@given(load=st.floats(min_value=20, max_value=400), step=st.floats(min_value=0, max_value=50))
def test_increase_properties(load, step):
    base = KG.round_down(load)
    new = KG.increase(base, step)
    assert KG.is_loadable(new)
    assert new > base
    assert new - base <= max(0.10 * base, KG.next_up(base) - base) + 1e-9


@given(st.sampled_from(KG.loads(300.0)))
def test_breakdown_adds_up(load):
    side = KG.breakdown(load)
    assert KG.bar + 2 * sum(side) == pytest.approx(load)
    assert list(side) == sorted(side, reverse=True)
