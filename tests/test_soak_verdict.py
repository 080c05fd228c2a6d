"""The soak's verdict (tests/soak/soak.py, an hour long and not run here) on made-up samples:
a reconnect in flight is not a leak, a pile-up is."""

from soak.soak import verdict

STATIONS = 16


def samples(threads, fds=None, rss_mb=None):
    """One sample every 10 s for an hour: everyone online, threads as ``threads(t)`` says."""
    return [
        {
            "t": t,
            "rss": (rss_mb(t) if rss_mb else 60.0) * 2**20,
            "threads": threads(t),
            "fds": fds(t) if fds else 100,
            "children": STATIONS,
            "online": STATIONS,
            "reconnects": t // 10,
            "errors": 0,
            "crashes": 0,
        }
        for t in range(0, 3610, 10)
    ]


def test_an_opening_thread_in_flight_now_and_then_is_flat():
    figures = verdict(samples(lambda t: 7 if t > 300 and t % 70 == 0 else 6), STATIONS)
    assert figures["flat"] and figures["samples_above_baseline_in_flight"] > 0


def test_threads_piling_up_are_not_flat():
    figures = verdict(samples(lambda t: 6 + t // 600), STATIONS)
    assert not figures["flat"] and figures["windows_not_back_to_baseline"]


def test_a_descriptor_kept_at_the_end_is_not_flat():
    figures = verdict(samples(lambda t: 6, fds=lambda t: 101 if t > 3500 else 100), STATIONS)
    assert not figures["flat"] and figures["threads_fds_at_end"] == [6, 101]


def test_memory_growing_past_five_megabytes_after_the_warm_up_is_not_flat():
    figures = verdict(samples(lambda t: 6, rss_mb=lambda t: 60 + t / 600), STATIONS)
    assert not figures["flat"] and figures["memory_growth_mb"] > 5
