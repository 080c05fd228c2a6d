"""The stations' one reader thread on real pseudo-terminals: every port read by one thread, in
batches, whatever the descriptor's number, and a port that stops reading closed alone."""

import fcntl
import os
import threading
import time
import tty
from queue import Empty, SimpleQueue

import pytest

from controller.stations.framing import Frame, encode
from controller.stations.port import WRITE_TIMEOUT_S, Closed, PortReader, Received


@pytest.fixture
def ptys():
    made = []

    def pty():
        master, slave = os.openpty()
        tty.setraw(slave)
        made.append((master, slave))
        return master, os.ttyname(slave)

    yield pty
    for master, slave in made:
        os.close(master)
        os.close(slave)


class HighDescriptor:
    """A pty opened at a descriptor past 1023, where ``select.select`` cannot go."""

    def __init__(self, device):
        low = os.open(device, os.O_RDWR | os.O_NOCTTY)
        self.fd = fcntl.fcntl(low, fcntl.F_DUPFD, 1500)
        os.close(low)

    def fileno(self):
        return self.fd

    def close(self):
        os.close(self.fd)


def collect(inbox, until, timeout=5.0):
    """Every item the reader queues until ``until(items)`` holds; the batches' sizes too."""
    items, batches = [], []
    end = time.monotonic() + timeout
    while time.monotonic() < end and not until(items):
        try:
            batch = inbox.get(timeout=0.05)
        except Empty:
            continue
        batches.append(batch)
        items += batch
    assert until(items), f"timed out; items: {items[-5:]}"
    return items, batches


def frames_from(items, port):
    return [f for i in items if isinstance(i, Received) and i.port is port for f in i.frames]


def test_one_thread_reads_every_port_and_queues_what_each_wake_up_read_as_one_batch(ptys):
    inbox = SimpleQueue()
    before = threading.active_count()
    reader = PortReader(inbox)
    try:
        boards = [ptys() for _ in range(8)]
        ports = [reader.open(device) for _, device in boards]
        time.sleep(0.3)  # the openings end
        assert threading.active_count() == before + 1
        for seq in range(5):
            for master, _ in boards:
                os.write(master, encode(Frame(type=0x02, seq=seq, body=b"\x01\x02")))
        items, batches = collect(inbox, lambda i: all(len(frames_from(i, p)) == 5 for p in ports))
        for port in ports:
            assert [f.seq for f in frames_from(items, port)] == [0, 1, 2, 3, 4]
        assert len(batches) < 8 * 5  # several ports' frames to a batch, several frames to an item
    finally:
        reader.close()
    assert not reader.alive and not any(p.alive for p in ports)


def test_a_port_past_descriptor_1023_is_read_and_written(ptys):
    master, device = ptys()
    inbox = SimpleQueue()
    reader = PortReader(inbox, opener=HighDescriptor)
    try:
        port = reader.open(device)
        port.send(b"hello\x00")
        os.write(master, encode(Frame(type=0x02, seq=9)))
        items, _ = collect(inbox, lambda i: frames_from(i, port))
        assert frames_from(items, port)[0].seq == 9
        assert os.read(master, 64) == b"hello\x00"
    finally:
        reader.close()


def test_a_port_that_stops_reading_is_closed_alone_and_never_holds_the_others_up(ptys):
    _, deaf_device = ptys()  # its master side never reads
    master, device = ptys()
    inbox = SimpleQueue()
    reader = PortReader(inbox)
    try:
        deaf, port = reader.open(deaf_device), reader.open(device)
        start = time.monotonic()
        for _ in range(64):
            deaf.send(b"\x55" * 4096)  # more than a pty holds
        seq = 0

        def closed_while_talking(items):
            nonlocal seq
            seq += 1
            os.write(master, encode(Frame(type=0x02, seq=seq & 0xFF)))
            return any(isinstance(i, Closed) and i.port is deaf for i in items)

        items, _ = collect(inbox, closed_while_talking)
        (closed,) = [i for i in items if isinstance(i, Closed)]
        assert "timeout" in closed.reason.lower()
        assert closed.t - start >= WRITE_TIMEOUT_S
        assert len(frames_from(items, port)) > 3 and port.alive  # read all along
    finally:
        reader.close()


def test_a_port_that_cannot_be_opened_is_closed_with_the_reason():
    inbox = SimpleQueue()
    reader = PortReader(inbox)
    try:
        port = reader.open("/dev/no-such-station")
        items, _ = collect(inbox, lambda i: any(isinstance(x, Closed) for x in i))
        assert items[0].port is port and "No such file" in items[0].reason
        assert not port.alive
    finally:
        reader.close()
