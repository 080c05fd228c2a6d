"""The station links: every neuron station the Pi can hear, kept alive whatever happens.

:class:`Links` is a *source* of the installation loop (``poll(now)`` turns what the stations
sent into :class:`~controller.events.SliderMoved`, :class:`~controller.events.ButtonPressed`
and :class:`~controller.events.StationStatus` events) and a *sink* (``show(scene)`` sends each
station's LED ring its pattern when it changes). It is also what the technician desk and
``neurones calibrate``/``diagnose`` read (``figures()``, ``apply_calibration()``)::

    links = Links(load_roster(), thresholds=network.thresholds())
    installation = Installation(session, engine, sources=[links], sinks=[links])
    installation.run(sleep=links.wait)     # wakes the loop as soon as a threshold moves

How it stays up (docs/hardware.md §2, §5):

- stations are found by USB VID/PID and serial number (pyserial's ``comports()``, or any
  ``discover`` callable, such as the station emulator's), or at the ports the installation
  file lists; discovery runs in a worker thread, so a slow USB bus never stalls a frame;
- one reader thread (:mod:`controller.stations.port`) waits on every open port at once, reads,
  writes, and cuts the streams into checked frames it queues in batches; the loop only drains
  the queue, so no station, however broken, can block or crash it;
- a station silent for 500 ms, or whose port fails, is closed and marked offline; the others
  carry on; it is looked for again every second, and a port that keeps failing is retried
  with a back-off up to 5 s (:class:`~controller.stations.liveness.Liveness`); a station that
  comes back goes through the whole handshake again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any, Protocol

from controller.calibration import CalibrationBook, StationCalibration
from controller.diagnosis import StationFigures
from controller.events import Event, SliderMoved
from controller.scene import Scene
from controller.stations.link import Link, LinkContext
from controller.stations.messages import Ring
from controller.stations.port import Closed, Port, PortReader, Received, open_serial
from controller.stations.ring import neuron_colour, pattern, ring_for
from controller.stations.roster import Roster
from controller.stations.slider import SliderPath, SliderTracker

log = logging.getLogger(__name__)

#: Seconds between two looks at what the stations' rings should show.
RING_PERIOD_S = 0.05
#: Seconds between two looks at whether each link is alive and due a keepalive: a station is
#: silent after half a second, and sixteen looks sixty times a second would cost a Pi 1 %.
CHECK_EVERY_S = 0.05
#: Seconds that news coming right after a wake-up by news waits for more of its kind.
BATCH_S = 0.008


class PortInfo(Protocol):
    """A port as discovery sees it (pyserial's ``ListPortInfo`` fits, so does the emulator's)."""

    device: str
    serial_number: str | None
    vid: int | None
    pid: int | None


@dataclass(frozen=True)
class ListedPort:
    """A port the installation file lists: its path only; the handshake says which board."""

    device: str
    serial_number: str | None = None
    vid: int | None = None
    pid: int | None = None


def usb_discovery() -> list[Any]:
    """Every serial port on the USB bus now (pyserial), to be filtered by VID/PID."""
    from serial.tools import list_ports

    return list(list_ports.comports())


def listed_discovery(ports: Sequence[str]) -> Callable[[], list[ListedPort]]:
    """A discovery that offers the listed ports that exist now (``/dev/neuron-station-01`` …)."""

    def discover() -> list[ListedPort]:
        return [ListedPort(p) for p in ports if Path(p).exists()]

    return discover


class Links:
    """Every station link: a source and a sink of the installation loop.

    :param roster: the installation's stations and settings.
    :param thresholds: the neurons that have a threshold (their sliders move it).
    :param calibrations: the calibrations saved so far (the others use the default map).
    :param discover: gives the ports present now (default: USB, or the roster's listed ports).
    :param clock: monotonic seconds (the loop's clock; frames are stamped with it).
    :param opener: opens a port (default pyserial).
    :param resources: closed with the links (e.g. the station emulator behind them).
    """

    def __init__(
        self,
        roster: Roster,
        *,
        thresholds: Collection[str] = (),
        calibrations: CalibrationBook | None = None,
        discover: Callable[[], Iterable[Any]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        opener: Callable[[str], Any] = open_serial,
        resources: Sequence[Any] = (),
    ) -> None:
        self.roster = roster
        self.settings = roster.settings
        self.timings = roster.settings.timings
        self.clock = clock
        self.opener = opener
        self.resources = list(resources)
        self.listed = bool(self.settings.ports)
        if discover is None:
            discover = listed_discovery(self.settings.ports) if self.listed else usb_discovery
        self.discover = discover
        book = calibrations or CalibrationBook()
        self.context = LinkContext(
            entries=roster.by_serial,
            thresholds=frozenset(thresholds),
            calibrations=dict(book.stations),
            path_for=self._path_for,
            config=self.settings.config(),
            ring_for=self._ring_for,
            slider=roster.slider,
        )
        self.links: dict[str, Link] = {}
        if not self.listed:
            for serial in roster.serials():
                self.links[serial] = Link(serial, self.context, self.timings, serial=serial)
        self.inbox: SimpleQueue = SimpleQueue()
        self._ports: dict[Port, Link] = {}
        self._pending: list[Event] = []
        self.failures = 0
        self._wake = threading.Event()
        self.reader = PortReader(self.inbox, clock=clock, opener=opener, notify=self._wake.set)
        self._scanner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="discovery")
        self._scan: Future | None = None
        self._next_scan = float("-inf")
        self._scanned_at = float("-inf")
        self._scene: Scene | None = None
        self._rings_at: float | None = None
        self._rings_show: tuple | None = None  # what of the scene the rings last showed
        self._closed = False
        self._next_check = float("-inf")  # when the links' liveness is next looked at
        self._woken = float("-inf")  # when news last woke the loop

    # --- source ------------------------------------------------------------------------------

    def poll(self, now: float) -> list[Event]:
        """What the stations said since the last call, and who came or went, as events."""
        self._drain()
        events, self._pending = self._pending, []
        if now >= self._next_check:  # silence counts in tenths of a second: no need at 60 Hz
            self._next_check = now + CHECK_EVERY_S
            for link in list(self.links.values()):
                events += link.check(now)
        self._discovery(now)
        return events

    def wait(self, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds, or less if a station's frame gives an event.

        Pass it as the loop's ``sleep``: the loop then reacts to a slider within a
        millisecond instead of at its next frame, while frames that change nothing (a
        station's heartbeat, a slider trembling within its hysteresis) are handled here
        without waking the loop.

        A burst of presses (a class pressing at six stations at once) wakes it once: a press
        coming within :data:`BATCH_S` of a wake-up by news waits for the rest of its batch, so
        the loop does not turn (nor a Pi held to its share of CPU pay for) a turn per press.
        """
        deadline = self.clock() + max(0.0, timeout)
        soonest = self._woken + BATCH_S
        while True:
            self._wake.clear()
            self._drain()
            now = self.clock()
            if now >= deadline or (self._pending and (now >= soonest or self._moves())):
                break
            self._wake.wait((min(deadline, soonest) if self._pending else deadline) - now)
        self._woken = self.clock() if self._pending else float("-inf")

    def _moves(self) -> bool:
        """Whether a slider's move is among the news: it goes at once (a dragged slider sends
        a frame every 20 ms or so, and the screen follows the hand)."""
        return any(isinstance(e, SliderMoved) for e in self._pending)

    def _drain(self) -> None:
        """Handle every batch the reader thread has queued."""
        while True:
            try:
                batch = self.inbox.get_nowait()
            except Empty:
                return
            for item in batch:
                try:
                    self._handle(item)
                except Exception:  # a bug on one line must not stop the loop or the others
                    self.failures += 1
                    log.exception("a station's frame could not be handled; carrying on")

    def _handle(self, item: Received | Closed) -> None:
        """One item of a batch: frames for its link, or its port closed."""
        link = self._ports.get(item.port)
        if link is None or link.connection.port is not item.port:
            if isinstance(item, Closed):
                self._ports.pop(item.port, None)
            return  # a straggler from a port the link has let go
        if isinstance(item, Received):
            for frame, note in zip(item.frames, item.notes, strict=True):
                self._pending += link.receive(frame, item.t, note)
        elif isinstance(item, Closed):
            del self._ports[item.port]
            self._pending += link.disconnect(item.t, item.reason)

    # --- finding stations ----------------------------------------------------------------

    def _discovery(self, now: float) -> None:
        """Start a scan when one is due; handle a finished one. Never waits."""
        if self._scan is not None:
            if not self._scan.done():
                return
            scan, self._scan = self._scan, None
            try:
                ports = list(scan.result())
            except Exception as exc:  # a broken bus or emulator: log it, look again later
                log.warning("looking for stations failed: %s", exc)
                ports = []
            self._found(ports, now)
            self._next_scan = now + self._scan_period()
        if self._scan_due(now) and not self._closed:
            self._scanned_at = now
            self._scan = self._scanner.submit(self.discover)

    def _scan_due(self, now: float) -> bool:
        """A scan is due on schedule, or as soon as a station whose back-off ended since the
        last scan may be tried again (so a replugged station is back within its first
        back-off, even when a scheduled scan found it a moment too early)."""
        if now >= self._next_scan:
            return True
        return any(
            link.connection.port is None
            and link.connection.liveness.retry_at > self._scanned_at
            and link.connection.liveness.may_open(now)
            for link in self.links.values()
        )

    def _scan_period(self) -> float:
        """Every second while a station is missing; every few seconds when all are here."""
        expected = [self.links.get(s) for s in self.roster.serials()]
        missing = not expected or any(link is None or not link.online for link in expected)
        return self.timings.rescan if missing else self.timings.rescan_max

    def rescan_now(self) -> None:
        """Look for stations at the next poll, and forget every back-off (after a repair)."""
        self._next_scan = float("-inf")
        for link in self.links.values():
            liveness = link.connection.liveness
            link.connection.liveness = replace(liveness, retry_at=float("-inf"), delay=None)

    def _found(self, ports: list[Any], now: float) -> None:
        """Open the ports of stations found and not connected, if their back-off allows."""
        busy = {link.connection.device for link in self.links.values() if link.connection.port}
        for port in ports:
            if port.device in busy or not self._wanted(port):
                continue
            serial = (port.serial_number or "").upper() or None
            key = serial or port.device
            link = self.links.get(key)
            if link is None:
                link = self.links[key] = Link(key, self.context, self.timings, serial=serial)
            connection = link.connection
            if connection.port is None and connection.liveness.may_open(now):
                self._open(link, port.device, now)

    def _wanted(self, port: Any) -> bool:
        serial = (getattr(port, "serial_number", None) or "").upper()
        if serial in self.settings.ignore:
            return False
        if self.listed:
            return True
        vid, pid = getattr(port, "vid", None), getattr(port, "pid", None)
        return (vid, pid) == (self.settings.usb_vid, self.settings.usb_pid)

    def _open(self, link: Link, device: str, now: float) -> None:
        tracker = SliderTracker()
        port = self.reader.open(device, tracker.inspect)
        self._ports[port] = link
        link.connect(port, now, tracker)

    # --- what the links know -------------------------------------------------------------

    def _path_for(self, serial: str, neuron: str | None) -> SliderPath:
        """The slider path of a station: its calibration (or the default map) and its ruler."""
        return self.roster.slider_path(serial, neuron, self.context.calibrations.get(serial))

    def calibration(self, serial: str) -> StationCalibration:
        """The calibration the station's slider is read with now (its ruler included)."""
        entry = self.roster.by_serial.get(serial)
        return self._path_for(serial, entry.neuron if entry else None).calibration

    def apply_calibration(self, calibration: StationCalibration) -> None:
        """Use this calibration for the station's slider from its next reading."""
        self.context.calibrations[calibration.usb_serial] = calibration
        for link in self.links.values():
            link.calibrate(calibration)

    def use_roster(self, roster: Roster) -> None:
        """Go on with ``roster`` (a station given a new board): a board whose station changed
        is let go and found again at once, so its handshake gives it its number and neuron; a
        board no station names any more is forgotten once it is gone."""
        before = self.roster.by_serial
        self.roster = roster
        self.context.entries = roster.by_serial
        now = self.clock()
        for serial, entry in roster.by_serial.items():
            link = self.links.get(serial)
            if link is None:
                self.links[serial] = Link(serial, self.context, self.timings, serial=serial)
            elif before.get(serial) != entry:
                self._pending += link.disconnect(now, "its station changed: connecting again")
        for key, link in list(self.links.items()):
            if link.serial not in roster.by_serial and not link.online and not self.listed:
                del self.links[key]
        self.rescan_now()

    def figures(self) -> list[StationFigures]:
        """Each station's figures now: the roster's stations in order, then unknown boards."""
        now = self.clock()
        by_serial: dict[str, Link] = {}
        for link in self.links.values():
            if link.serial and (link.serial not in by_serial or link.online):
                by_serial[link.serial] = link
        figures = []
        for entry in sorted(self.roster.stations, key=lambda e: e.station_id):
            found = by_serial.pop(entry.serial, None)
            if found is not None:
                figures.append(found.figures(now))
            else:
                figures.append(StationFigures(entry.station_id, entry.serial, entry.neuron))
        figures += [link.figures(now) for link in by_serial.values() if link.counters.handshakes]
        return figures

    def held(self) -> dict[str, tuple[str, ...]]:
        """The buttons held now on each station online, by USB serial (none of the figures'
        cost: the technician desk asks a few times a second in every mode)."""
        return {
            link.serial: link.controls.buttons.held
            for link in self.links.values()
            if link.online and link.serial
        }

    def online(self) -> list[Link]:
        """The links online now."""
        return [link for link in self.links.values() if link.online]

    # --- sink ----------------------------------------------------------------------------

    def show(self, scene: Scene) -> None:
        """Send each online station's ring its pattern, if it changed (at most 20 times a
        second: a ring need not follow every frame of a loop woken by every move)."""
        self._scene = scene
        if self._rings_at is not None and 0 <= scene.t - self._rings_at < RING_PERIOD_S:
            return
        self._rings_at = scene.t
        # What the rings show (controller.stations.ring): when none of it changed, neither did
        # they (a station coming online is sent its ring by its handshake).
        diagnosis = scene.extras.get("diagnosis")
        shows = (
            scene.mode,
            scene.stations,
            scene.network,
            scene.result,
            scene.signal_layers,
            scene.asleep,
        )
        if (*shows, diagnosis) == self._rings_show:
            return
        self._rings_show = (*shows, diagnosis)
        for link in self.links.values():
            link.show_ring(scene.t)

    def _ring_for(self, link: Link) -> Ring | None:
        colour = self.settings.ring_colour
        if self._scene is None:
            return pattern("idle", colour)
        if link.neuron is not None:
            colour = neuron_colour(self._scene.network, link.neuron, colour)
        return ring_for(self._scene, link.neuron, colour, link.serial)

    # --- the end -------------------------------------------------------------------------

    def close(self) -> None:
        """Close every port and end every thread; close the resources given (an emulator)."""
        self._closed = True
        for link in self.links.values():
            link.disconnect(self.clock(), "closing", quiet=True)
        self.reader.close()
        self._scanner.shutdown(wait=False, cancel_futures=True)
        for resource in self.resources:
            try:
                resource.close()
            except Exception as exc:  # closing must go on with the others
                log.warning("closing %s failed: %s", type(resource).__name__, exc)
