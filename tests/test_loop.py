"""The installation loop moves events from sources to the session and scenes to sinks."""

import itertools

from loop_parts import Clock, Recorder

from controller.digits import load_digit_set
from controller.events import QuitRequested, SliderMoved
from controller.loop import Installation
from controller.modes import engine
from controller.network import load_network
from controller.session import Session


class ScriptedSource:
    """A source replaying events at set times, as a scripted run would."""

    def __init__(self, events):
        self.events = list(events)
        self.closed = False

    def poll(self, now):
        due = [e for e in self.events if e.t <= now]
        self.events = [e for e in self.events if e.t > now]
        return due

    def close(self):
        self.closed = True


class Broken:
    def poll(self, now):
        raise OSError("device unplugged")

    def show(self, scene):
        raise RuntimeError("screen gone")

    def close(self):
        raise RuntimeError("cannot close")


def session():
    return Session.start(load_network(), load_digit_set("grandeur-nature"))


def test_events_reach_the_scene_shown_to_sinks_and_quit_stops_the_loop():
    clock = Clock()
    source = ScriptedSource([SliderMoved("0", 9, 100.05), QuitRequested(100.2)])
    recorder = Recorder()
    installation = Installation(session(), engine, sources=[source], sinks=[recorder], clock=clock)
    installation.run(duration=10, sleep=clock.sleep)
    installation.close()
    assert recorder.scenes[0].thresholds["0"] == 6
    assert recorder.scenes[-1].thresholds["0"] == 9
    assert 100.2 <= clock.now < 100.3 and source.closed


def test_a_failing_part_is_counted_and_the_loop_carries_on():
    clock = Clock()
    recorder = Recorder()
    broken = Broken()
    installation = Installation(
        session(), engine, sources=[broken], sinks=[broken, recorder], clock=clock
    )
    installation.run(duration=0.5, sleep=clock.sleep)
    installation.close()
    frames = installation.stats.frames
    assert frames >= 25 and len(recorder.scenes) == frames
    assert installation.stats.crashes == 2 * frames + 1
    assert "cannot close" in installation.stats.last_error


class OversleepingClock(Clock):
    """A busy machine's clock: every sleep lasts 3 ms longer than asked."""

    def sleep(self, seconds):
        self.now += max(seconds, 0.0) + 0.003


def test_the_loop_keeps_its_rate_when_sleeps_overrun_and_never_bursts_after_a_long_turn():
    clock = OversleepingClock()
    installation = Installation(session(), engine, fps=60, clock=clock)
    installation.run(duration=10.0, sleep=clock.sleep)
    assert 590 <= installation.stats.frames <= 605  # not 10 / (1/60 + 0.003) ≈ 508
    slow = Installation(session(), engine, fps=60, clock=clock)
    stalls = iter([0.5] + [0.0] * 100)  # one turn of half a second, then quick ones

    class Stall:
        def show(self, scene):
            clock.now += next(stalls, 0.0)

        def close(self):
            pass

    slow.sinks.append(Stall())
    slow.run(duration=1.0, sleep=clock.sleep)
    assert slow.stats.frames <= 2 + 0.5 * 60  # after the stall: the rate, not a catch-up burst


def test_a_burst_of_station_news_does_not_push_the_next_turn_away():
    news = [100.5 + k / 1000 for k in range(6)]  # six presses read a millisecond apart
    clock = Clock()

    def sleep(seconds):  # the links' wait: woken early by a station's news
        woken = [t for t in news if clock.now < t < clock.now + seconds]
        clock.now = woken[0] if woken else clock.now + max(seconds, 0.001)

    turns = []

    class Turns:
        def show(self, scene):
            turns.append(clock.now)

        def close(self):
            pass

    installation = Installation(session(), engine, sinks=[Turns()], fps=60, clock=clock)
    installation.run(duration=1.0, sleep=sleep)
    assert all(t in turns for t in news)  # each piece of news had its turn at once
    assert max(b - a for a, b in itertools.pairwise(turns)) <= 1 / 60 + 0.001


class Presenting:
    """A screen that presents a frame only when its scene differs from the last one drawn."""

    def __init__(self):
        self.presented = 0
        self.drawn = []

    def show(self, scene):
        if not self.drawn or scene != self.drawn[-1]:
            self.drawn.append(scene)
            self.presented += 1

    def close(self):
        pass


def test_the_window_presents_at_most_its_rate_yet_a_change_after_still_frames_at_once():
    from controller.commands.run import Paced

    clock = Clock()
    screen = Presenting()
    paced = Paced(screen, 60, clock=clock)
    for t, scene in ((0.0, "a"), (0.005, "b"), (0.020, "b"), (0.025, "c")):
        clock.now = 100.0 + t
        paced.show(scene)
    # "b" came 5 ms after "a" was presented: held back; at 20 ms it went out; 5 ms later "c"
    # waits for the next turn.
    assert screen.drawn == ["a", "b"]
    for t, scene in ((0.040, "c"), (0.050, "c"), (0.052, "d")):
        clock.now = 100.0 + t
        paced.show(scene)
    # 40 ms: "c" presented; 50 ms: nothing new (no hold); 52 ms: "d" held (12 ms after "c").
    assert screen.drawn == ["a", "b", "c"]
    clock.now = 100.060
    paced.show("d")
    clock.now = 100.080
    paced.show("d")  # presents nothing: does not hold the next change back
    presented = screen.presented
    clock.now = 100.081
    paced.show("e")
    assert screen.drawn[-1] == "e" and screen.presented == presented + 1
