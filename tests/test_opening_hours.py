"""Opening hours: the museum's week read from the installation file, checked with reasons that
name the key, and asked at explicit times (no clock, no sleeping)."""

from datetime import date, datetime

import pytest

from controller.commands.installation_file import load_installation
from controller.datafile import INSTALLATION_FILE, DataError, Field
from controller.network import load_network
from controller.opening_hours import Doorkeeper, hours_from, is_open, next_change

NETWORK = load_network()
SHIPPED = INSTALLATION_FILE.read_text(encoding="utf-8")

# 2026-12-07 is a Monday.
MONDAY, TUESDAY, WEDNESDAY = 7, 8, 9


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 12, year=2026):
    return datetime(year, month, day, hour, minute, second)


def hours(**table):
    return hours_from(Field({"hours": table}, "museum.toml"))


def uncommented_example() -> str:
    """The shipped file with its commented-out ``[hours]`` example switched on."""
    lines = SHIPPED.splitlines()
    start = lines.index("# [hours]")
    return "\n".join([*lines[:start], *(line[2:] for line in lines[start:])]) + "\n"


WEEK = hours(
    daily="09:30-18:00",
    monday="closed",
    wednesday="09:30-12:00, 14:00-18:00",
    sunday="00:00-24:00",
    saturday="20:00-24:00",
    closed_on=["12-25", "2027-01-01"],
)


def test_without_an_hours_table_the_installation_is_always_open():
    setup = load_installation(INSTALLATION_FILE, NETWORK)
    assert setup.hours is None


def test_the_shipped_example_once_uncommented_loads_as_its_comments_say(tmp_path):
    path = tmp_path / "installation.toml"
    path.write_text(uncommented_example(), encoding="utf-8")
    example = load_installation(path, NETWORK).hours
    assert example is not None
    assert not is_open(example, at(MONDAY, 11))
    assert is_open(example, at(TUESDAY, 9, 30)) and not is_open(example, at(TUESDAY, 18))
    assert not is_open(example, at(WEDNESDAY, 13)) and is_open(example, at(WEDNESDAY, 14))
    assert not is_open(example, at(25, 11))  # Christmas, every year
    assert example.floor_level == 0 and example.wake_minutes == 120


def test_a_day_opens_at_its_opening_minute_and_is_closed_at_its_closing_one():
    assert not is_open(WEEK, at(TUESDAY, 9, 29, 59))
    assert is_open(WEEK, at(TUESDAY, 9, 30))
    assert is_open(WEEK, at(TUESDAY, 17, 59, 59))
    assert not is_open(WEEK, at(TUESDAY, 18))


def test_a_day_marked_closed_is_closed_all_day_and_the_others_follow_daily():
    assert not any(is_open(WEEK, at(MONDAY, h)) for h in range(24))
    assert is_open(WEEK, at(11, 10))  # a Friday: daily


def test_a_day_closed_at_lunch_reopens_in_the_afternoon():
    assert is_open(WEEK, at(WEDNESDAY, 11, 59))
    assert not is_open(WEEK, at(WEDNESDAY, 12))
    assert next_change(WEEK, at(WEDNESDAY, 12, 30)) == at(WEDNESDAY, 14)


def test_a_closed_date_closes_a_day_that_would_be_open():
    assert not is_open(WEEK, at(25, 11))  # a Friday, Christmas
    assert not is_open(WEEK, at(1, 11, month=1, year=2027))  # a Friday
    assert is_open(WEEK, at(1, 21, month=1, year=2028))  # a Saturday; "2027-01-01" was once


def test_the_next_change_of_a_closed_evening_is_the_next_open_day_s_opening():
    # Sunday 18:00 … Monday closed … Tuesday 09:30.
    assert next_change(WEEK, at(MONDAY, 8)) == at(TUESDAY, 9, 30)
    assert next_change(WEEK, at(TUESDAY, 12)) == at(TUESDAY, 18)


def test_an_evening_to_midnight_and_a_day_from_midnight_are_one_opening():
    saturday, sunday = at(12, 23, 59, 59), at(13, 0)
    assert is_open(WEEK, saturday) and is_open(WEEK, sunday)
    # Saturday 20:00 to Sunday 24:00 without a break: the next change is Sunday's midnight.
    assert next_change(WEEK, at(12, 21)) == at(14, 0)


def test_a_week_always_closed_has_no_next_change():
    closed = hours(daily="closed")
    assert not is_open(closed, at(TUESDAY, 12)) and next_change(closed, at(TUESDAY, 12)) is None


@pytest.mark.parametrize(
    ("table", "field", "words"),
    [
        ({"tuesday": "18:00-09:30"}, "hours.tuesday", "closes before it opens"),
        ({"tuesday": "09:30-25:00"}, "hours.tuesday", "not a time of day"),
        ({"tuesday": "09:60-18:00"}, "hours.tuesday", "not a time of day"),
        ({"tuesday": "24:30-24:45"}, "hours.tuesday", "not a time of day"),
        ({"tuesday": "9h30-18h"}, "hours.tuesday", 'like "09:30"'),
        ({"tuesday": "open"}, "hours.tuesday", '"closed" or ranges'),
        ({"daily": "09:00-13:00, 12:00-18:00"}, "hours.daily", "overlaps"),
        ({"mardi": "09:00-18:00"}, "hours.mardi", "unknown field"),
        ({"closed_on": ["25-12"]}, "hours.closed_on[0]", "a date like"),
        ({"closed_on": ["2026-02-30"]}, "hours.closed_on[0]", "a date like"),
        ({"floor_level": 2}, "hours.floor_level", "share of the floor's brightness"),
        ({"wake_minutes": 0}, "hours.wake_minutes", "at least 1"),
    ],
)
def test_a_mistake_in_the_hours_names_the_file_and_key_path(table, field, words):
    with pytest.raises(DataError) as caught:
        hours(**table)
    assert caught.value.source == "museum.toml" and caught.value.field == field
    assert words in caught.value.message


def test_a_mistake_in_a_copy_of_the_installation_file_names_that_copy(tmp_path):
    path = tmp_path / "museum.toml"
    path.write_text(uncommented_example().replace('"09:30-18:00"', '"18:00-09:30"', 1))
    with pytest.raises(DataError, match=r"museum\.toml: hours\.daily: .*closes before it opens"):
        load_installation(path, NETWORK)


def test_a_toml_date_is_a_closed_date():
    assert (
        hours(daily="00:00-24:00", closed_on=[date(2026, 12, 8)]).ranges_on(date(2026, 12, 8)) == ()
    )


def test_the_doorkeeper_sleeps_at_closing_and_wakes_at_opening_by_itself():
    keeper = Doorkeeper(WEEK)
    assert keeper.state(at(TUESDAY, 17, 59)).awake
    evening = keeper.state(at(TUESDAY, 18))
    assert not evening.open and not evening.awake and evening.next_change == at(WEDNESDAY, 9, 30)
    assert keeper.state(at(WEDNESDAY, 9, 30)).awake


def test_a_console_press_outside_hours_wakes_it_for_the_wake_time_each_press_renewing_it():
    keeper = Doorkeeper(WEEK)
    assert not keeper.state(at(TUESDAY, 19)).awake
    woken = keeper.state(at(TUESDAY, 19, 0, 1), pressed=True)
    assert woken.awake and not woken.open and woken.woken_until == at(TUESDAY, 21, 0, 1)
    assert keeper.state(at(TUESDAY, 20)).awake
    keeper.state(at(TUESDAY, 20, 30), pressed=True)
    assert keeper.state(at(TUESDAY, 22)).awake
    assert not keeper.state(at(TUESDAY, 22, 30)).awake


def test_a_press_within_opening_hours_does_not_keep_it_awake_after_closing():
    keeper = Doorkeeper(WEEK)
    keeper.state(at(TUESDAY, 17, 59), pressed=True)
    assert not keeper.state(at(TUESDAY, 18, 1)).awake


def test_a_clock_set_back_at_boot_is_read_again_not_trusted():
    keeper = Doorkeeper(WEEK)
    assert not keeper.state(at(TUESDAY, 23)).awake  # a Pi's clock before the network sets it
    assert keeper.state(at(TUESDAY, 11)).awake
