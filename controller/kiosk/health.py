"""The health endpoint: a read-only JSON page for monitoring, and Prometheus metrics beside it.

A museum's monitoring (or a technician over SSH) asks ``curl http://127.0.0.1:8765/health`` and
gets what the installation is doing and whether it is well::

    {"status": "degraded", "error": null, "mode": "visitor", "view": "network", "step": null,
     "stations": {"expected": 16, "online": 4, "missing": ["LIG2", "LIG3", "A", …]},
     "console": "absent", "hours": "open", "next_change": "2026-12-02T18:00:00",
     "woken_until": null, "fps": 59.9, "frames": 35940, "crashes": 0, "last_error": null,
     "uptime_s": 600.2, "leds": [...], "station_figures": [{"station_id": 1, …}, …]}

It counts what *should* be there, not only what it has heard: the expected stations and the
leader console come from the installation file (:class:`Expected`), so a station that never
came is missing from the first frame. ``status`` is ``error`` when a data file could not be
loaded (the installation shows the technician's message and waits for the file to be fixed,
``error`` says which), ``starting`` before the first frame, ``degraded`` when a station is
missing, an LED output is down, the console the file configures is absent or a part of the
installation has failed, else ``ok``.

``hours`` is ``open`` or ``closed`` by the opening hours of the installation file (``open``
when it has none), ``next_change`` when that changes (local time, ISO 8601; null: never),
``woken_until`` when a console press outside hours wakes it until. A closed installation is
not degraded: it sleeps as it was told to, its stations still counted.

Each station's figures are the record the station links build
(:class:`~controller.diagnosis.StationFigures`), as ``neurones diagnose --json`` and
``neurones run --report`` show them, read at most once a second.

:func:`health_report` builds that from a scene and the loop's figures (pure). The
:class:`HealthEndpoint` is a sink of the installation: each frame it keeps the latest scene and
the frame times, and a small HTTP server answers GET requests from them: ``/health`` (or ``/``)
the JSON page, ``/metrics`` the same figures for Prometheus (:mod:`controller.kiosk.metrics`).
It listens on the loopback interface unless given another address (a LAN address, for a fleet's
Prometheus), and changes nothing: anything but GET is refused. It serves a few
clients at once, each with a time-out: a client that holds its connection open is dropped, and
one too many is closed at once, so no number of clients can pile up threads or descriptors.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from controller.diagnosis import StationFigures
from controller.kiosk.metrics import CONTENT_TYPE, MetricsCollector
from controller.loop import Installation
from controller.scene import Scene

log = logging.getLogger(__name__)

#: Loopback by default: monitoring on the Pi or through an SSH tunnel; a fleet's Prometheus
#: scrapes a LAN address given with ``neurones run --health-address``.
HOST = "127.0.0.1"
#: The port ``neurones run`` serves on unless told otherwise.
DEFAULT_PORT = 8765
#: Requests answered at once; a client past these is closed at once (monitoring polls, it
#: does not crowd).
MAX_CLIENTS = 8
#: Seconds a client may take to send its request or read the answer before it is dropped.
CLIENT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Expected:
    """What the installation file says should be there: the health page counts against it."""

    stations: tuple[str, ...] = ()  # the neurons of the file's stations, in station order
    console: bool = False  # the file configures a leader console


@dataclass(frozen=True)
class LoopFigures:
    """What the loop says about itself, copied out of the installation for one report."""

    frames: int = 0
    crashes: int = 0
    last_error: str | None = None
    uptime_s: float = 0.0
    fps: float = 0.0
    leds: tuple[Any, ...] = ()  # each LED output's OutputHealth (controller.floor.output)
    console: bool = False  # a leader console is connected


def health_report(
    scene: Scene | None,
    loop: LoopFigures,
    stations: Sequence[StationFigures] = (),
    expected: Expected = Expected(),
    fault: str | None = None,
) -> dict[str, Any]:
    """The health page for the latest ``scene`` (None before the first frame), ``loop`` and
    the ``stations``' figures, counted against what the installation file ``expected``;
    ``fault`` is the data file error the installation is waiting on, if any (see the module
    documentation for ``status``).
    """
    online = set() if scene is None else {s.neuron for s in scene.stations if s.online}
    hours = None if scene is None else scene.hours
    missing = [n for n in expected.stations if n not in online]
    console_missing = expected.console and not loop.console
    report: dict[str, Any] = {
        "status": "starting",
        "error": fault,
        "mode": None,
        "view": None,
        "step": None,
        "stations": {
            "expected": len(expected.stations),
            "online": len(expected.stations) - len(missing),
            "missing": missing,
        },
        "console": "present" if loop.console else "absent" if expected.console else "none",
        "hours": "open" if hours is None or hours.open else "closed",
        "next_change": _iso(hours.next_change) if hours is not None else None,
        "woken_until": _iso(hours.woken_until) if hours is not None else None,
        "fps": round(loop.fps, 1),
        "frames": loop.frames,
        "crashes": loop.crashes,
        "last_error": loop.last_error,
        "uptime_s": round(loop.uptime_s, 1),
        "leds": [
            {
                "name": o.name,
                "connected": o.connected,
                "frames": o.frames,
                "failures": o.failures,
                "last_error": o.last_error,
            }
            for o in loop.leds
        ],
        "station_figures": [s.to_json() for s in stations],
    }
    if fault is not None:
        report["status"] = "error"
        return report
    if scene is None:
        return report
    leds_down = any(not o.connected for o in loop.leds)
    degraded = missing or console_missing or loop.crashes or leds_down
    report.update(
        mode=scene.mode,
        view=scene.view,
        step=scene.step,
        status="degraded" if degraded else "ok",
    )
    return report


def _iso(moment: datetime | None) -> str | None:
    """A local time for the page, to the second (None stays None)."""
    return None if moment is None else moment.isoformat(timespec="seconds")


def serve_health(
    installation: Installation,
    port: int = DEFAULT_PORT,
    *,
    host: str = HOST,
    leds: Callable[[], tuple[Any, ...]] = tuple,
    stations: Callable[[], Sequence[StationFigures]] = tuple,
    expected: Expected = Expected(),
    console: bool = False,
    fault: str | None = None,
) -> HealthEndpoint | None:
    """Start the health page for ``installation`` and add it to its sinks (the parameters are
    :class:`HealthEndpoint`'s).

    A port already taken (a second instance, another program) is logged, not fatal: the
    installation runs without its health page rather than not at all.
    """
    try:
        endpoint = HealthEndpoint(
            installation,
            port,
            host=host,
            leds=leds,
            stations=stations,
            expected=expected,
            console=console,
            fault=fault,
        )
    except OSError as exc:
        log.warning("health endpoint not started on %s:%d: %s", host, port, exc)
        return None
    installation.sinks.append(endpoint)
    return endpoint


def frame_rate(times: list[float]) -> float:
    """Frames per second over the scene times ``times`` (oldest first)."""
    if len(times) < 2 or times[-1] <= times[0]:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])


class HealthEndpoint:
    """A sink that serves :func:`health_report` over HTTP on ``host:port``, and the same
    figures as Prometheus metrics.

    :param installation: the installation whose loop figures (frames, failures, uptime) the
        page reports; None for a page with the scene's figures only.
    :param port: the TCP port; 0 picks a free one (see :attr:`url`).
    :param host: the address to listen on (default the loopback interface).
    :param leds: gives each LED output's health
        (:meth:`controller.floor.sink.FloorSink.health`).
    :param stations: gives each station's figures (:meth:`controller.stations.links.Links.figures`);
        called by the loop, at most once a second (the page is served from other threads,
        which must not touch the links).
    :param expected: the stations and console the installation file lists.
    :param console: whether the leader console is connected.
    :param fault: the data file error the installation is waiting on (status ``error``).
    :raises OSError: if the port is taken.
    """

    def __init__(
        self,
        installation: Installation | None = None,
        port: int = DEFAULT_PORT,
        *,
        host: str = HOST,
        leds: Callable[[], tuple[Any, ...]] = tuple,
        stations: Callable[[], Sequence[StationFigures]] = tuple,
        expected: Expected = Expected(),
        console: bool = False,
        fault: str | None = None,
    ) -> None:
        self._leds = leds
        self._stations = stations
        self.expected = expected
        self.console = console
        self.fault = fault
        self._station_figures: tuple[StationFigures, ...] = ()
        self._figures_at: float | None = None
        self._scene: Scene | None = None
        self._times: deque[float] = deque(maxlen=120)  # about two seconds of frames
        self._installation = installation
        self.metrics = MetricsCollector(self.report, self._turn_times)
        self._server = BoundedServer((host, port), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="health", daemon=True
        )
        self._thread.start()
        log.info("health endpoint on %s", self.url)

    @property
    def url(self) -> str:
        """Where to ask: ``http://127.0.0.1:PORT/health`` (``/metrics`` beside it)."""
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{f'[{name}]' if ':' in name else name}:{port}/health"

    def show(self, scene: Scene) -> None:
        """Keep the latest scene and its time (called by the loop every frame)."""
        self._scene = scene
        self._times.append(scene.t)
        if self._figures_at is None or not 0 <= scene.t - self._figures_at < 1.0:
            self._figures_at = scene.t
            self._station_figures = tuple(self._stations())

    def report(self) -> dict[str, Any]:
        """The health page as it would be served now."""
        return health_report(
            self._scene, self._figures(), self._station_figures, self.expected, self.fault
        )

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def _turn_times(self) -> list[float]:
        """The loop's last turn times (a copy: the loop's thread appends to them)."""
        return [] if self._installation is None else list(self._installation.stats.frame_times)

    def _figures(self) -> LoopFigures:
        fps = frame_rate(list(self._times))
        installation = self._installation
        leds = tuple(self._leds())
        if installation is None:
            return LoopFigures(fps=fps, leds=leds, console=self.console)
        stats = installation.stats
        return LoopFigures(
            stats.frames,
            stats.crashes,
            stats.last_error,
            installation.uptime(),
            fps,
            leds,
            self.console,
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            """Answers GET /health (and /) with the report, GET /metrics with the metrics;
            refuses every other method."""

            timeout = CLIENT_TIMEOUT_S  # a client that holds its connection is dropped

            def do_GET(self) -> None:
                """The health page as JSON, or the metrics in Prometheus's text format."""
                path = self.path.split("?")[0]
                if path in ("/", "/health"):
                    body, kind = json.dumps(endpoint.report()).encode(), "application/json"
                elif path == "/metrics":
                    body, kind = endpoint.metrics.exposition(), CONTENT_TYPE
                else:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                """Refused: the pages change nothing."""
                self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "the health pages are read-only")

            do_PUT = do_DELETE = do_PATCH = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                """Requests go to the debug log only."""
                log.debug("health: " + format, *args)  # monitoring polls: keep the journal quiet

        return Handler


class BoundedServer(HTTPServer):
    """An HTTP server that answers at most :data:`MAX_CLIENTS` requests at once, each on its own
    short-lived thread; a connection past those is closed at once.

    The standard ``ThreadingHTTPServer`` starts a thread per connection without limit: a
    thousand clients that connect and wait hold a thousand threads and descriptors.
    """

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:  # an IPv6 address
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(MAX_CLIENTS)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Answer on a thread of its own if a slot is free, else close the connection."""
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        thread = threading.Thread(
            target=self._answer, args=(request, client_address), name="health client", daemon=True
        )
        thread.start()

    def _answer(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # a client that vanished mid-answer, a timeout: its problem only
            log.debug("health: client %s dropped", client_address, exc_info=True)
        finally:
            self.shutdown_request(request)
            self._slots.release()
