"""The soak: ``neurones run`` with 16 emulated stations under chaos for an hour, watched from
outside for leaks.

Not a pytest test (CI's run does not collect it: it lasts an hour). Run it from the repository::

    .venv/bin/python tests/soak/soak.py                  # an hour; figures at the end
    .venv/bin/python tests/soak/soak.py --minutes 10 --out soak.json

Every 10 s it samples the controller's process (the emulated boards are processes of their own,
as the Picos are chips of their own, and are not counted): its resident memory, threads and
open descriptors (``/proc/PID/status`` and ``/proc/PID/fd``), its child processes (the boards),
and its health page (stations online, reconnects, crashes).

"Flat" means:

- memory: after the first 5 minutes (imports, caches, the first reconnects), the resident
  memory grows by less than 5 MB (the highest sample after minute 5, against the sample at
  minute 5);
- threads and descriptors: each reconnect gives back what it took (a port, its opening
  thread). Under chaos a reconnect is nearly always in flight, so a single sample may hold one
  or two more than the baseline (the most the controller held with everyone online during the
  warm-up); what must not happen is that they pile up. So in every 5-minute window the fewest
  threads and descriptors sampled come back to the baseline, and at the end, the chaos
  settled and everyone back, the controller holds no more than the baseline;
- no crash, and every station back at the end (the chaos settles for the run's last seconds).

It prints the figures and writes them with every sample as JSON (``--out``); exit status 0 when
flat, 1 when not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Memory may grow this much after the warm-up (bytes).
MEMORY_BUDGET = 5 * 1024 * 1024
WARM_UP_S = 300.0
#: Threads and descriptors must come back to the baseline at least once in every window (s).
WINDOW_S = 300.0
#: The run lasts this much longer than the sampling; its chaos settles 8 s before its end, and
#: the last sample is taken 4 s before the end, everyone back.
EXTRA_S = 20.0
LAST_SAMPLE_S = EXTRA_S - 4.0


def proc_figures(pid: int) -> dict:
    """Resident memory (bytes), threads and open descriptors of a process, and its children."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)[1])
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.M)[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {"rss": rss_kb * 1024, "threads": threads, "fds": fds, "children": len(children)}


def health(url: str) -> dict:
    """The controller's health page."""
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.load(answer)


def health_url(log: Path, process: subprocess.Popen, timeout: float = 120.0) -> str:
    """The health page's address, from the controller's log."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = re.search(r"health endpoint on (http://\S+/health)", log.read_text())
        if found:
            return found[1]
        if process.poll() is not None:
            raise RuntimeError(f"the controller ended at once:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)
    raise RuntimeError("no health page within two minutes")


def sample(pid: int, url: str, start: float) -> dict:
    """One sample: the health page first, then the process (so the page's own answering
    thread has ended by the time threads are counted)."""
    page = health(url)
    time.sleep(0.2)
    figures = proc_figures(pid)
    stations = page["stations"]
    return {
        "t": round(time.monotonic() - start, 1),
        **figures,
        "online": stations["online"],
        "expected": stations["expected"],
        "reconnects": sum(s["reconnects"] for s in page["station_figures"]),
        "errors": sum(s["errors"] for s in page["station_figures"]),
        "crashes": page["crashes"],
        "status": page["status"],
    }


def verdict(samples: list[dict], stations: int, warm_up: float = WARM_UP_S) -> dict:
    """The figures that say whether the run was flat (see the module doc)."""
    after = [s for s in samples if s["t"] >= warm_up]
    at_warm_up = after[0] if after else samples[-1]
    memory_growth = max(s["rss"] for s in after) - at_warm_up["rss"] if after else 0
    everyone = [s for s in samples if s["online"] == stations]
    # The baseline: what the controller holds with everyone online during the warm-up (an
    # opening thread may be in flight at a sample: the highest of those looks).
    early = [s for s in everyone if s["t"] < warm_up] or everyone[:1]
    baseline = (
        {"fds": max(s["fds"] for s in early), "threads": max(s["threads"] for s in early)}
        if early
        else None
    )

    def above(figures: dict) -> bool:
        return baseline is not None and (
            figures["fds"] > baseline["fds"] or figures["threads"] > baseline["threads"]
        )

    in_flight = [s for s in everyone if above(s)]
    windows = [
        [s for s in samples if start <= s["t"] < start + WINDOW_S]
        for start in range(0, int(samples[-1]["t"]) + 1, int(WINDOW_S))
    ]
    lowest = [
        {"fds": min(s["fds"] for s in w), "threads": min(s["threads"] for s in w)}
        for w in windows
        if w
    ]
    piled_up = [i for i, low in enumerate(lowest) if above(low)]
    last = samples[-1]
    flat = (
        bool(after)
        and memory_growth < MEMORY_BUDGET
        and baseline is not None
        and not piled_up
        and not above(last)
        and last["crashes"] == 0
        and last["online"] == stations
    )
    return {
        "flat": flat,
        "minutes": round(last["t"] / 60, 1),
        "samples": len(samples),
        "rss_mb_after_warm_up": round(at_warm_up["rss"] / 2**20, 2),
        "rss_mb_max_later": round(max(s["rss"] for s in after) / 2**20, 2) if after else None,
        "rss_mb_last": round(last["rss"] / 2**20, 2),
        "memory_growth_mb": round(memory_growth / 2**20, 2),
        "samples_all_online": len(everyone),
        "baseline_threads": baseline["threads"] if baseline else None,
        "baseline_fds": baseline["fds"] if baseline else None,
        "threads_all_online": sorted({s["threads"] for s in everyone}),
        "fds_all_online": sorted({s["fds"] for s in everyone}),
        "samples_above_baseline_in_flight": len(in_flight),
        "windows_not_back_to_baseline": piled_up,
        "threads_fds_at_end": [last["threads"], last["fds"]],
        "threads_range": [min(s["threads"] for s in samples), max(s["threads"] for s in samples)],
        "fds_range": [min(s["fds"] for s in samples), max(s["fds"] for s in samples)],
        "children_range": [
            min(s["children"] for s in samples),
            max(s["children"] for s in samples),
        ],
        "reconnects": last["reconnects"],
        "line_errors": last["errors"],
        "crashes": last["crashes"],
        "online_at_end": last["online"],
        "median_online": statistics.median(s["online"] for s in samples),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the soak; print its figures; exit status 0 when flat."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="how long (default 60)")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--stations", type=int, default=16, help="emulated stations (16)")
    parser.add_argument("--chaos-rate", type=float, default=1.0, help="faults a second (1)")
    parser.add_argument(
        "--warm-up", type=float, default=WARM_UP_S, help="seconds before memory counts (300)"
    )
    parser.add_argument("--out", type=Path, help="write the figures and samples as JSON")
    args = parser.parse_args(argv)
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        work = Path(folder)
        log = work / "controller.log"
        report = work / "report.json"
        command = [
            sys.executable, "-m", "controller", "run", "--headless",
            "--emulate-stations", str(args.stations), "--chaos",
            "--chaos-rate", str(args.chaos_rate), "--for", str(seconds + EXTRA_S),
            "--health-port", "0", "--state-dir", str(work / "state"), "--report", str(report),
        ]  # fmt: skip
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
        with open(log, "w") as stderr:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)
        samples: list[dict] = []
        try:
            url = health_url(log, process)
            seed = re.search(r"chaos with seed (\d+)", log.read_text())
            print(f"soak: pid {process.pid}, {url}, chaos seed {seed[1] if seed else '?'}")
            start = time.monotonic()
            while time.monotonic() - start < seconds and process.poll() is None:
                samples.append(sample(process.pid, url, start))
                s = samples[-1]
                print(
                    f"{s['t']:7.0f} s  rss {s['rss'] / 2**20:6.1f} MB  threads {s['threads']:3d}"
                    f"  fds {s['fds']:3d}  boards {s['children']:2d}  online {s['online']:2d}"
                    f"  reconnects {s['reconnects']}",
                    flush=True,
                )
                time.sleep(max(0.0, args.every - (time.monotonic() - start) % args.every))
            # The chaos has settled for the run's last seconds: one more look, everyone back.
            time.sleep(max(0.0, seconds + LAST_SAMPLE_S - (time.monotonic() - start)))
            if process.poll() is None:
                samples.append(sample(process.pid, url, start))
            process.wait(timeout=120)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
        final = json.loads(report.read_text()) if report.exists() else {}
        figures = verdict(samples, args.stations, args.warm_up) if samples else {"flat": False}
        figures["exit_status"] = process.returncode
        figures["chaos"] = final.get("chaos")
        figures["chaos_seed"] = final.get("chaos_seed")
    print(json.dumps(figures, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"figures": figures, "samples": samples}, indent=1))
    return 0 if figures["flat"] and figures["exit_status"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
