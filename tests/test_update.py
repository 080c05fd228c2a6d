"""The update path: releases side by side in a temporary folder, each a real small HTTP server
for a health page, restarted by a real command; a release that never gets healthy is switched
back, and the one before runs again."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from controller.kiosk.update import (
    COMPLETE,
    Releases,
    UpdateError,
    healthy,
    read_health,
    shell_build,
    update,
)

ROOT = Path(__file__).resolve().parent.parent

SERVER = """\
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

STATUS = {status!r}
VERSION = {version!r}

class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({{"status": STATUS, "version": VERSION,
                           "stations": {{"missing": []}}}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""

# What systemctl restart does for the service: stop the running process, start the program the
# link `current` points to now.
RESTART = """\
import os, signal, subprocess, sys, time
from pathlib import Path

prefix, port = Path(sys.argv[1]), sys.argv[2]
pidfile = prefix / "run.pid"
if pidfile.exists():
    try:
        os.kill(int(pidfile.read_text()), signal.SIGTERM)
        time.sleep(0.2)
    except ProcessLookupError:
        pass
program = prefix / "current" / "serve.py"
run = subprocess.Popen([sys.executable, str(program), port], start_new_session=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
pidfile.write_text(str(run.pid))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """An installation folder, its restart command and its health page's address."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.prefix = tmp_path / "opt-neurones"
        self.prefix.mkdir()
        self.port = free_port()
        script = tmp_path / "restart.py"
        script.write_text(RESTART, encoding="utf-8")
        self.restart = f"{sys.executable} {script} {self.prefix} {self.port}"
        self.url = f"http://127.0.0.1:{self.port}/health"

    def version(self, name: str, status: str = "ok") -> Path:
        """A copy of the program, whose health page says ``status``."""
        source = self.tmp / name
        (source / "controller").mkdir(parents=True)
        (source / "data").mkdir()
        (source / "data" / "installation.toml").write_text("# the shipped layout\n")
        (source / "serve.py").write_text(SERVER.format(status=status, version=name))
        return source

    def update(self, source: Path, **options):
        options = {"wait_s": 10.0, **options}
        return update(
            source,
            self.prefix,
            build=shell_build("touch {release}/built"),
            restart_command=self.restart,
            health_url=self.url,
            **options,
        )

    def running(self) -> str | None:
        page = read_health(self.url)
        return None if page is None else page["version"]

    def stop(self):
        pidfile = self.prefix / "run.pid"
        if pidfile.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pidfile.read_text()), signal.SIGTERM)


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    yield site
    site.stop()


def test_an_update_installs_beside_switches_restarts_and_keeps_the_museum_s_layout(site):
    first = site.update(site.version("v1"))
    assert first.healthy and site.running() == "v1"
    releases = Releases(site.prefix)
    assert releases.current() == first.release and (first.release / "built").exists()
    museum = "# this museum's stations and strips\n"
    (releases.link / "data" / "installation.toml").write_text(museum)

    second = site.update(site.version("v2"))
    assert second.healthy and second.previous == first.release
    assert releases.current() == second.release and site.running() == "v2"
    assert (second.release / "data" / "installation.toml").read_text() == museum
    assert os.readlink(releases.link) == f"releases/{second.release.name}"  # relative


def test_a_release_that_never_gets_healthy_is_switched_back_and_the_one_before_runs(site):
    good = site.update(site.version("v1"))
    assert site.running() == "v1"
    refused = r"not healthy after 3 s \(status 'error'\); switched back to"
    with pytest.raises(UpdateError, match=refused):
        site.update(site.version("v2", status="error"), wait_s=3.0)
    releases = Releases(site.prefix)
    assert releases.current() == good.release and site.running() == "v1"
    assert len(releases.all()) == 2  # the bad one kept to look into


def test_the_command_line_switches_back_and_says_so_in_one_line(site):
    site.update(site.version("v1"))
    bad = site.version("v2", status="degraded")
    command = [sys.executable, "-m", "controller.kiosk.update", str(bad)]
    command += ["--prefix", str(site.prefix), "--restart", site.restart]
    command += ["--health-url", site.url, "--wait", "2", "--build", "true"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    (line,) = [x for x in done.stderr.splitlines() if "error" in x]
    assert line.startswith("neurones update: error: ") and "switched back to" in line
    assert site.running() == "v1"


def test_old_releases_are_pruned_but_never_the_running_one_or_the_one_before(site):
    made = [site.update(site.version(f"v{n}")).release for n in range(1, 5)]
    releases = Releases(site.prefix)
    assert releases.all() == made[-2:]
    assert not made[0].exists() and not made[1].exists()


def test_a_build_that_fails_changes_nothing(site):
    good = site.update(site.version("v1"))
    with pytest.raises(UpdateError, match="could not be installed"):
        update(
            site.version("v2"),
            site.prefix,
            build=shell_build("exit 3"),
            restart_command=site.restart,
            health_url=site.url,
        )
    releases = Releases(site.prefix)
    assert releases.current() == good.release and releases.all() == [good.release]
    assert sorted(p.name for p in releases.folder.iterdir()) == [good.release.name]


def test_a_folder_left_half_built_is_no_release_and_is_cleared_by_the_next_update(site):
    good = site.update(site.version("v1"))
    leftover = Releases(site.prefix).folder / "20990101-000000-cut"
    (leftover / "controller").mkdir(parents=True)  # a power cut mid-build: no COMPLETE
    assert leftover not in Releases(site.prefix).all()
    newer = site.update(site.version("v2"))
    assert not leftover.exists() and (newer.release / COMPLETE).exists()
    assert Releases(site.prefix).all() == [good.release, newer.release]


def test_the_first_install_switches_without_restarting(site):
    first = site.update(site.version("v1"), switch_only=True)
    assert Releases(site.prefix).current() == first.release and site.running() is None


def test_a_pi_installed_before_releases_gives_its_layout_to_the_first_release(site):
    (site.prefix / "data").mkdir()
    (site.prefix / "data" / "installation.toml").write_text("# installed in 2025\n")
    first = site.update(site.version("v1"), switch_only=True)
    assert (first.release / "data" / "installation.toml").read_text() == "# installed in 2025\n"


def page(status, missing=(), crashes=0):
    return {"status": status, "stations": {"missing": list(missing)}, "crashes": crashes}


def test_degraded_passes_only_if_the_running_release_was_as_degraded_before():
    assert healthy(page("ok"))
    assert not healthy(page("degraded", ["A"]))
    assert healthy(page("degraded", ["A"]), before=page("degraded", ["A", "B"]))
    assert not healthy(page("degraded", ["A", "C"]), before=page("degraded", ["A"]))
    assert not healthy(page("degraded", ["A"], crashes=1), before=page("degraded", ["A"]))
    assert not healthy(page("starting"), before=page("degraded"))
    assert not healthy(page("error"), before=page("error")) and not healthy(None)


def test_the_service_and_the_install_script_run_the_current_release():
    unit = (ROOT / "deploy" / "neurones.service").read_text(encoding="utf-8")
    (start,) = [x for x in unit.splitlines() if x.startswith("ExecStart=")]
    assert start.startswith("ExecStart=/opt/neurones/current/.venv/bin/neurones run")
    script = (ROOT / "deploy" / "install-pi.sh").read_text(encoding="utf-8")
    assert "controller.kiosk.update" in script
    updater = (ROOT / "deploy" / "update.sh").read_text(encoding="utf-8")
    assert "controller.kiosk.update" in updater
    assert subprocess.run(["bash", "-n", str(ROOT / "deploy" / "update.sh")]).returncode == 0


def test_an_answer_that_is_not_a_health_page_counts_as_none(tmp_path):
    # A port nobody listens on, then a reply that is not JSON.
    assert read_health(f"http://127.0.0.1:{free_port()}/health", timeout=1) is None
    script = tmp_path / "plain.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from http.server import BaseHTTPRequestHandler, HTTPServer
            class Plain(BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(b"hello")
                def log_message(self, *a): pass
            HTTPServer(("127.0.0.1", int(sys.argv[1])), Plain).serve_forever()
            """
        )
    )
    port = free_port()
    server = subprocess.Popen([sys.executable, str(script), str(port)])
    try:
        end = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < end
                time.sleep(0.05)
        assert read_health(f"http://127.0.0.1:{port}/health") is None
    finally:
        server.terminate()
        server.wait()


def test_an_update_from_inside_the_installation_folder_is_refused(site):
    source = site.version("v1")
    with pytest.raises(UpdateError, match="elsewhere"):
        update(source, source / "opt", build=shell_build("true"))
    assert not (source / "opt").exists()


def test_the_command_line_refuses_an_update_before_the_first_install(site):
    command = [sys.executable, "-m", "controller.kiosk.update", str(site.version("v1"))]
    command += ["--prefix", str(site.prefix), "--build", "true"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "install with deploy/install-pi.sh first" in done.stderr
    assert not Releases(site.prefix).folder.exists()
