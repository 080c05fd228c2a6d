"""Prometheus metrics: ``/metrics`` beside ``/health``, for a fleet's monitoring.

A museum or a school that watches its machines already runs Prometheus (and Grafana on top):
the health server also answers ``GET /metrics`` in Prometheus's text format, built by the
``prometheus-client`` library from the same figures as the health page, at each scrape. Every
family is named ``neurones_…``:

======================================  ======  ================================================
family                                  type    what
======================================  ======  ================================================
``neurones_up``                         gauge   1: the installation runs (0: it waits on a file)
``neurones_status``                     gauge   1 for the health page's status (``status`` label)
``neurones_open``                       gauge   1 within opening hours (always, with none set)
``neurones_awake``                      gauge   1 unless asleep outside hours (0: dark, black)
``neurones_stations_expected``          gauge   stations the installation file lists
``neurones_stations_online``            gauge   of those, online now
``neurones_station_up``                 gauge   each station: 1 online, 0 missing
``neurones_station_line_errors_total``  counter each station's dropped frames, by ``kind``
``neurones_station_frames_total``       counter each station's valid state frames
``neurones_station_reconnects_total``   counter each station's reconnections
``neurones_loop_turns_per_second``      gauge   the loop's turns a second (the screen's rate)
``neurones_loop_time_seconds``          gauge   a loop turn's time, median of the last ones
``neurones_loop_time_max_seconds``      gauge   the longest of the last turns
``neurones_led_output_up``              gauge   each LED output: 1 connected
``neurones_led_output_frames_total``    counter each LED output's frames sent
``neurones_led_output_failures_total``  counter each LED output's failed opens and sends
``neurones_console_up``                 gauge   the leader console (when the file has one)
``neurones_uptime_seconds``             gauge   since the installation started
``neurones_crashes_total``              counter parts of the installation that raised
======================================  ======  ================================================

A station's labels are ``station`` (its number), ``neuron`` and ``serial``; a board the file
does not know has an empty ``station``. docs/monitoring.md gives a scrape configuration and an
alert for a missing station.

:func:`metric_families` is pure (the health report and the loop's last turn times in, the
families out); :class:`MetricsCollector` hands them to a registry of the library's own.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

#: Every status the health page may report (controller.kiosk.health).
STATUSES = ("starting", "ok", "degraded", "error")
#: The Content-Type of the answer to ``GET /metrics``.
CONTENT_TYPE = CONTENT_TYPE_LATEST
STATION_LABELS = ("station", "neuron", "serial")


def metric_families(report: Mapping[str, Any], turn_times: Sequence[float] = ()) -> list[Metric]:
    """The ``neurones_…`` families for a health ``report``
    (:func:`controller.kiosk.health.health_report`) and the loop's last ``turn_times``
    (seconds each)."""
    families: list[Metric] = []

    def gauge(name: str, doc: str, value: float | None = None, labels=()) -> GaugeMetricFamily:
        family = GaugeMetricFamily(f"neurones_{name}", doc, value=value, labels=labels or None)
        families.append(family)
        return family

    def counter(name: str, doc: str, value: float | None = None, labels=()) -> CounterMetricFamily:
        family = CounterMetricFamily(f"neurones_{name}", doc, value=value, labels=labels or None)
        families.append(family)
        return family

    status = report["status"]
    gauge("up", "1 while the installation runs, 0 while it waits for a data file to be fixed",
          float(status != "error"))  # fmt: skip
    states = gauge("status", "1 for the health page's status", labels=("status",))
    for name in STATUSES:
        states.add_metric([name], float(name == status))
    gauge("open", "1 within the opening hours of the installation file (always without any)",
          float(report.get("hours", "open") == "open"))  # fmt: skip
    woken = report.get("woken_until") is not None
    gauge("awake", "1 unless the installation sleeps outside opening hours (floor dim, screen "
          "black)", float(report.get("hours", "open") == "open" or woken))  # fmt: skip
    stations = report["stations"]
    gauge("stations_expected", "stations the installation file lists", stations["expected"])
    gauge("stations_online", "stations of the file online now", stations["online"])
    _stations(report["station_figures"], set(stations["missing"]), gauge, counter)
    gauge("loop_turns_per_second", "the loop's turns a second, lately", report["fps"])
    times = list(turn_times)
    gauge("loop_time_seconds", "a loop turn's time, the median of the last turns",
          statistics.median(times) if times else 0.0)  # fmt: skip
    gauge("loop_time_max_seconds", "the longest of the last loop turns", max(times, default=0.0))
    _leds(report["leds"], gauge, counter)
    if report["console"] != "none":
        gauge("console_up", "1 when the leader console the file configures is connected",
              float(report["console"] == "present"))  # fmt: skip
    gauge("uptime_seconds", "seconds since the installation started", report["uptime_s"])
    counter("crashes", "parts of the installation that raised (each logged, none fatal)",
            report["crashes"])  # fmt: skip
    return families


def _stations(
    figures: Sequence[Mapping[str, Any]], missing: set[str], gauge: Callable, counter: Callable
) -> None:
    """A station of the file is up unless the health page counts it missing (the same count
    as ``neurones_stations_online``); a board the file does not know, when it is online."""
    up = gauge("station_up", "1 when the station is online", labels=STATION_LABELS)
    errors = counter(
        "station_line_errors",
        "frames the station's line dropped, by kind",
        labels=(*STATION_LABELS, "kind"),
    )
    frames = counter("station_frames", "valid state frames from the station", labels=STATION_LABELS)
    reconnects = counter(
        "station_reconnects", "times the station came back after a loss", labels=STATION_LABELS
    )
    for station in figures:
        labels = [
            "" if station["station_id"] is None else str(station["station_id"]),
            station["neuron"] or "",
            station["serial"],
        ]
        known = station["station_id"] is not None
        online = station["neuron"] not in missing if known else station["online"]
        up.add_metric(labels, float(online))
        for kind, count in sorted(station["errors_by_kind"].items()):
            errors.add_metric([*labels, kind], count)
        frames.add_metric(labels, station["frames"])
        reconnects.add_metric(labels, station["reconnects"])


def _leds(outputs: Sequence[Mapping[str, Any]], gauge: Callable, counter: Callable) -> None:
    up = gauge("led_output_up", "1 when the LED output is connected", labels=("output",))
    frames = counter("led_output_frames", "frames sent to the LED output", labels=("output",))
    failures = counter(
        "led_output_failures", "failed opens and sends of the LED output", labels=("output",)
    )
    for output in outputs:
        up.add_metric([output["name"]], float(output["connected"]))
        frames.add_metric([output["name"]], output["frames"])
        failures.add_metric([output["name"]], output["failures"])


class MetricsCollector:
    """A collector for ``prometheus-client``: at each scrape, the families of the health report
    and the loop's turn times it is given the means to read.

    :param report: gives the health report now.
    :param turn_times: gives the loop's last turn times.
    """

    def __init__(
        self,
        report: Callable[[], Mapping[str, Any]],
        turn_times: Callable[[], Sequence[float]] = tuple,
    ) -> None:
        self.report = report
        self.turn_times = turn_times
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def collect(self) -> Iterator[Metric]:
        """The families now (called by the registry at each scrape)."""
        yield from metric_families(self.report(), self.turn_times())

    def exposition(self) -> bytes:
        """The text ``GET /metrics`` answers."""
        return generate_latest(self.registry)
