"""Command-line values are checked at the door: a usage error (exit 2) in one line, never a
traceback, and never a nonsense value run with."""

import pytest

from controller.cli import main


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["classify", "--set", "0=nan"], "threshold of 0 must be a number"),
        (["classify", "--set", "0=inf"], "threshold of 0 must be a number"),
        (["classify", "--set", "0=1e300"], "within ±1e+06"),
        (["run", "--headless", "--for", "-1"], "expected a number from 0"),
        (["run", "--headless", "--for", "nan"], "expected a number from 0"),
        (["run", "--headless", "--fps", "0"], "no screen draws faster"),
        (["run", "--size", "abc"], "expected WxH"),
        (["run", "--health-port", "70000"], "a TCP port"),
        (["render", "network", "--size", "100000x100000"], "(8K)"),
        (["render", "network", "--time", "inf"], "seconds on the scene's clock"),
        (["render", "floor", "--frames", "0"], "frames side by side"),
        (["render", "network", "--moves", "-3"], "rounds of moves"),
        (["calibrate", "--hold", "-1"], "held still"),
        (["diagnose", "--for", "0"], "seconds of listening"),
    ],
)
def test_a_bad_value_is_a_usage_error_in_one_line(capsys, argv, words):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert words in err[-1] and "Traceback" not in "\n".join(err)
