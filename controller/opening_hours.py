"""Opening hours: when the museum is open, so the installation sleeps when nobody comes.

The optional ``[hours]`` table of the installation file gives the museum's week, day by day,
as a technician reads it on the door; the dates it is closed besides (holidays); and what the
installation does while closed::

    [hours]
    daily = "09:30-18:00"                  # every day not named below
    monday = "closed"
    wednesday = "09:30-12:00, 14:00-18:00" # closed at lunch
    sunday = "10:00-19:00"
    closed_on = ["01-01", "05-01", "12-25", "2027-04-05"]   # each year (MM-DD), or once
    floor_level = 0.0                      # the floor's share of its brightness while closed
    wake_minutes = 120                     # a console press outside hours wakes it this long

Times are the Pi's local time, ``HH:MM`` from ``00:00`` to ``24:00``; a day's ranges do not
cross midnight (a late evening is ``"18:00-24:00"`` that day and ``"00:00-01:00"`` the next).
Without ``[hours]`` the installation is always open.

Everything here is pure: :func:`is_open` and :func:`next_change` answer for an explicit
``datetime``, and :class:`Doorkeeper` (which the loop asks each turn) only remembers what it
worked out last, so tests give it made-up times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from controller.datafile import Field, check_keys

#: The days of the week, as the file names them (Monday first, as ``date.weekday()``).
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: The table's keys besides the days.
KEYS = (*DAYS, "daily", "closed_on", "floor_level", "wake_minutes")
#: Minutes in a day: ``24:00`` is a day's end.
DAY_MINUTES = 24 * 60
#: How far ahead :func:`next_change` looks: past a year, a schedule has no change to find.
LOOKAHEAD_DAYS = 400

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_YEARLY = re.compile(r"^(\d{2})-(\d{2})$")

#: A day's opening ranges: ``(opens, closes)`` in minutes since midnight, in order.
Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class OpeningHours:
    """The museum's week and its closed dates, and what the installation does while closed."""

    week: tuple[Ranges, ...]  # seven days, Monday first; () is a day closed
    closed_dates: frozenset[date] = frozenset()  # closed once (a date with its year)
    closed_yearly: frozenset[tuple[int, int]] = frozenset()  # (month, day) closed every year
    floor_level: float = 0.0  # the floor's share of its brightness while closed (0: dark)
    wake_minutes: float = 120.0  # how long a console press outside hours keeps it awake

    def ranges_on(self, day: date) -> Ranges:
        """The opening ranges of ``day`` (none on a closed date)."""
        if day in self.closed_dates or (day.month, day.day) in self.closed_yearly:
            return ()
        return self.week[day.weekday()]


@dataclass(frozen=True)
class HoursState:
    """What the schedule says at one instant, as the scene carries it to the screen, the
    floor and the health page."""

    open: bool  # within opening hours
    next_change: datetime | None  # when it next opens or closes (None: never)
    woken_until: datetime | None = None  # outside hours, woken by the console until then
    floor_level: float = 0.0  # the floor's share of its brightness while asleep

    @property
    def awake(self) -> bool:
        """Whether the installation shows itself: open, or woken outside hours."""
        return self.open or self.woken_until is not None


def is_open(hours: OpeningHours, when: datetime) -> bool:
    """Whether the museum is open at ``when`` (local time; an opening range includes its
    opening minute, not its closing one)."""
    minute = when.hour * 60 + when.minute + when.second / 60 + when.microsecond / 60e6
    return any(start <= minute < end for start, end in hours.ranges_on(when.date()))


def next_change(hours: OpeningHours, when: datetime) -> datetime | None:
    """The first instant after ``when`` at which :func:`is_open` changes its answer, or None if
    it never does within :data:`LOOKAHEAD_DAYS` (a week all closed, or all open)."""
    now = is_open(hours, when)
    midnight = datetime.combine(when.date(), time(), when.tzinfo)
    for offset in range(LOOKAHEAD_DAYS):
        day = midnight + timedelta(days=offset)
        for start, end in hours.ranges_on(day.date()):
            for minute in (start, end):
                moment = day + timedelta(minutes=minute)
                # A range ending at 24:00 and the next day's starting at 00:00 are one opening:
                # the instant is a change only if the answer differs there.
                if moment > when and is_open(hours, moment) != now:
                    return moment
    return None


def hours_from(root: Field) -> OpeningHours | None:
    """The ``[hours]`` table of a parsed installation document; None without one (always
    open).

    :raises DataError: naming the file and key path of a time that is not ``HH:MM``, a range
        that closes before it opens, ranges that overlap, an unknown day, a bad date.
    """
    if "hours" not in root:
        return None
    section = root["hours"].table()
    check_keys(section, KEYS)
    default: Ranges = _ranges(section["daily"]) if "daily" in section else ()
    week = tuple(_ranges(section[day]) if day in section else default for day in DAYS)
    once: set[date] = set()
    yearly: set[tuple[int, int]] = set()
    for f in section.get("closed_on", []).list():
        _closed_date(f, once, yearly)
    base = OpeningHours(week=())
    return OpeningHours(
        week=week,
        closed_dates=frozenset(once),
        closed_yearly=frozenset(yearly),
        floor_level=section.get("floor_level", base.floor_level).number(
            minimum=0, maximum=1, why="a share of the floor's brightness"
        ),
        wake_minutes=section.get("wake_minutes", base.wake_minutes).number(
            minimum=1, maximum=24 * 60, why="at most a day: the next day has its own hours"
        ),
    )


def _ranges(f: Field) -> Ranges:
    """A day's ``"closed"`` or ``"HH:MM-HH:MM, HH:MM-HH:MM"``, as ranges in minutes."""
    text = f.text().strip()
    if text.lower() == "closed":
        return ()
    ranges: list[tuple[int, int]] = []
    for part in text.split(","):
        bounds = part.split("-")
        if len(bounds) != 2:
            raise f.error(f'expected "closed" or ranges like "09:30-18:00", got {text!r}')
        start, end = (_minutes(f, b) for b in bounds)
        if end <= start:
            raise f.error(
                f"{part.strip()!r} closes before it opens (a range cannot cross midnight: "
                'end it at "24:00" and open the next day at "00:00")'
            )
        if ranges and start < ranges[-1][1]:
            raise f.error(f"{part.strip()!r} overlaps or comes before the range before it")
        ranges.append((start, end))
    return tuple(ranges)


def _minutes(f: Field, text: str) -> int:
    """``HH:MM`` (``00:00``–``24:00``) in minutes since midnight."""
    found = _TIME.match(text)
    if found is None:
        raise f.error(f'expected a time like "09:30", got {text.strip()!r}')
    hour, minute = int(found[1]), int(found[2])
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise f.error(f"{text.strip()!r} is not a time of day (00:00 to 24:00)")
    return hour * 60 + minute


def _closed_date(f: Field, once: set[date], yearly: set[tuple[int, int]]) -> None:
    """A closed date: ``"YYYY-MM-DD"`` (once) or ``"MM-DD"`` (every year), or a TOML date."""
    value = f.value
    if isinstance(value, date) and not isinstance(value, datetime):
        once.add(value)
        return
    text = f.text().strip()
    found = _YEARLY.match(text)
    try:
        if found is not None:
            month, day = int(found[1]), int(found[2])
            date(2000, month, day)  # a leap year: 02-29 is a date
            yearly.add((month, day))
        else:
            once.add(date.fromisoformat(text))
    except ValueError:
        raise f.error(
            f'expected a date like "2026-12-25", or "12-25" for every year, got {text!r}'
        ) from None


class Doorkeeper:
    """Tells the loop, each turn, whether the installation is open, asleep or woken.

    It works the schedule out again only when the next change is due (or the clock went back:
    a Pi without a battery clock starts at a wrong time until the network sets it), so a turn
    costs one comparison. A console press outside hours wakes the installation for
    ``wake_minutes``, and each further press renews it.
    """

    def __init__(self, hours: OpeningHours) -> None:
        self.hours = hours
        self._state: HoursState | None = None
        self._at: datetime | None = None  # when the state was worked out

    def state(self, when: datetime, pressed: bool = False) -> HoursState:
        """The state at ``when``; ``pressed``: the leader console was used since the last turn."""
        state = self._state
        due = (
            state is None
            or self._at is None
            or when < self._at
            or (state.next_change is not None and when >= state.next_change)
            or (state.woken_until is not None and when >= state.woken_until)
        )
        if due:
            opened = is_open(self.hours, when)
            woken = None if state is None or opened else state.woken_until
            if woken is not None and when >= woken:
                woken = None
            state = HoursState(opened, next_change(self.hours, when), woken, self.hours.floor_level)
            self._at = when
        assert state is not None
        if pressed and not state.open:
            state = HoursState(
                False,
                state.next_change,
                when + timedelta(minutes=self.hours.wake_minutes),
                state.floor_level,
            )
        self._state = state
        return state


__all__ = [
    "DAYS",
    "Doorkeeper",
    "HoursState",
    "OpeningHours",
    "hours_from",
    "is_open",
    "next_change",
]
