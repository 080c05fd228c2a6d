"""The link's heartbeat, time-outs and back-off, on a made-up clock (docs/hardware.md §5)."""

from controller.stations.liveness import ABSENT, CONNECTING, ONLINE, REFUSED, Liveness, Timings


def online_at(t: float) -> Liveness:
    return Liveness().opened(t).acknowledged(t + 0.05)


def test_a_station_heard_within_half_a_second_stays_online():
    live = online_at(0.0)
    for t in (0.2, 0.6, 1.0, 1.4):
        live = live.heard(t)
        assert live.expired(t + 0.49) is None
    assert live.phase == ONLINE


def test_half_a_second_of_silence_takes_a_station_offline():
    live = online_at(0.0).heard(1.0)
    assert live.expired(1.49) is None
    assert live.expired(1.5) == "silent"


def test_a_hello_unanswered_for_a_second_closes_the_port():
    live = Liveness().opened(10.0)
    assert live.phase == CONNECTING
    assert live.expired(10.99) is None
    assert live.expired(11.0) == "no answer to HELLO"


def test_retries_back_off_from_one_second_to_five():
    live, now, waits = Liveness(), 0.0, []
    for _ in range(6):
        live = live.opened(now)
        now += 1.0  # no answer
        live = live.lost(now)
        assert live.phase == ABSENT and not live.may_open(live.retry_at - 0.01)
        waits.append(live.retry_at - now)
        now = live.retry_at
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_a_successful_handshake_resets_the_back_off():
    live = Liveness().opened(0).lost(1).opened(2).lost(3).opened(7)
    live = live.acknowledged(7.1).lost(9.0)
    assert live.retry_at == 10.0


def test_a_station_of_another_protocol_is_left_alone_for_the_longest_wait():
    live = Liveness(Timings(rescan_max=5)).opened(0).refused(0.1)
    assert live.phase == REFUSED
    assert not live.may_open(5.0) and live.may_open(5.1)


def test_the_keepalive_is_due_a_second_after_anything_was_sent():
    live = online_at(0.0).sent(0.05)
    assert not live.needs_ping(1.0)
    assert live.needs_ping(1.05)
    assert not live.sent(1.05).needs_ping(1.5)
    assert not Liveness().opened(0).needs_ping(5)  # only once online


def test_frames_out_of_order_never_move_the_last_heard_backwards():
    live = online_at(0.0).heard(2.0).heard(1.5)
    assert live.last_heard == 2.0
