"""Options several sub-commands share: which network, which thresholds, which digits, language."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import math
import os
from collections.abc import Callable
from pathlib import Path

from controller.datafile import INSTALLATION_FILE, DataError
from controller.digits import (
    DIGITS_DIR,
    DigitSet,
    load_digit_set,
    load_grid_file,
    shipped_sets,
)
from controller.network import DEFAULT_NETWORK, MAX_THRESHOLD, Network, load_network
from controller.texts import DEFAULT_LANGUAGE, Texts, languages, load_texts

#: The largest screen drawn: 8K. A larger surface would not fit in a Pi's memory.
MAX_SCREEN = (7680, 4320)


def bounded(
    low: float, high: float, *, whole: bool = False, why: str = ""
) -> Callable[[str], float]:
    """An argparse type: a finite number (a whole one if ``whole``) from ``low`` to ``high``.

    ``why`` says what the bounds stand for, in the error (``"a screen draws at most 120"``).
    ``float`` alone would take ``nan``, ``inf`` and ``-1`` where only a sensible value works.
    """

    def parse(text: str) -> float:
        try:
            value: float = int(text) if whole else float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            reason = f" ({why})" if why else ""
            message = f"expected {kind} from {low:g} to {high:g}{reason}, got {text!r}"
            raise argparse.ArgumentTypeError(message)
        return value

    return parse


def listen_address(text: str) -> str:
    """An argparse type: an IP address of this machine to listen on (``127.0.0.1``,
    ``192.168.1.20``, ``::1``, or ``0.0.0.0`` for every interface)."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an IP address like 127.0.0.1 or 192.168.1.20, got {text!r}"
        ) from None


def output_file(text: str) -> str:
    """An argparse type: a file to write, in a folder that exists.

    A folder (or a name ending in ``/``), a device, and a folder that does not exist are
    refused: a typo in a path is told at once, not after a long run. What only the write can
    tell (a full disk, a read-only folder) ends the command with one line too
    (:class:`~controller.storage.WriteError`).
    """
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: name a file in it")
    if path.exists() and not path.is_file():
        # A device or a pipe: the atomic write would replace it with a plain file.
        raise argparse.ArgumentTypeError(f"{text} is not a plain file")
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"no folder {folder} to write {path.name} in")
    return text


def threshold_override(text: str) -> tuple[str, float]:
    """Parse ``NEURON=VALUE`` (``--set 0=7``) into ``("0", 7.0)``; the value finite and within
    the thresholds a network file may hold."""
    neuron, sep, value = text.partition("=")
    if not sep or not neuron:
        raise argparse.ArgumentTypeError(f"expected NEURON=VALUE, got {text!r}")
    try:
        threshold = float(value)
    except ValueError:
        threshold = math.nan
    if not math.isfinite(threshold) or abs(threshold) > MAX_THRESHOLD:
        message = f"threshold of {neuron} must be a number within ±{MAX_THRESHOLD:g}, got {value!r}"
        raise argparse.ArgumentTypeError(message)
    return neuron.strip(), threshold


def screen_size(text: str) -> tuple[int, int]:
    """Parse ``WxH`` (``--size 1920x1080``) into ``(1920, 1080)``; from 320x240 to 8K."""
    width, sep, height = text.lower().partition("x")
    try:
        w, h = int(width), int(height)
    except ValueError:
        w = h = 0
    most_w, most_h = MAX_SCREEN
    if not sep or not (320 <= w <= most_w and 240 <= h <= most_h):
        raise argparse.ArgumentTypeError(
            f"expected WxH from 320x240 to {most_w}x{most_h} (8K), got {text!r}"
        )
    return w, h


def technician_name() -> str:
    """Who is at the keyboard, for the calibrations they save (``sudo``'s caller first)."""
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment (a container)
        return "technician"


def add_installation_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--installation FILE``: the installation file, every section of which it governs."""
    parser.add_argument(
        "--installation",
        default=str(INSTALLATION_FILE),
        metavar="FILE",
        help="the installation file: stations, sliders, console, LED floor, modes (default: "
        "data/installation.toml)",
    )


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """``--network FILE`` and repeatable ``--set NEURON=VALUE``."""
    parser.add_argument(
        "--network",
        metavar="FILE",
        default=str(DEFAULT_NETWORK),
        help="network file to load (default: the workshop network)",
    )
    parser.add_argument(
        "--set",
        metavar="NEURON=VALUE",
        action="append",
        type=threshold_override,
        default=[],
        dest="overrides",
        help="override a threshold, e.g. --set 0=7 (repeatable)",
    )


def network_from(args: argparse.Namespace) -> Network:
    """The network the options name, with the ``--set`` thresholds applied."""
    network = load_network(args.network)
    overrides = dict(args.overrides)
    for neuron in overrides:
        try:
            network.locate(neuron)
        except KeyError as exc:
            raise DataError("--set", neuron, exc.args[0]) from None
    return network.with_thresholds(overrides)


def add_digit_options(
    parser: argparse.ArgumentParser, *, default: str | None, default_help: str | None = None
) -> None:
    """``--dataset NAME`` or ``--grids FILE``; ``default_help`` words a default that depends."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--dataset",
        metavar="NAME",
        default=default,
        help=f"a shipped digit set: {', '.join(shipped_sets())} "
        f"(default: {default_help or default})",
    )
    group.add_argument(
        "--grids",
        metavar="FILE",
        help='a JSON list of {"name"?, "label"?, "pixels": [9 rows of 6 "#"/"."]}',
    )


def digits_from(args: argparse.Namespace, network: Network) -> DigitSet:
    """The digits the options name."""
    shape = (network.rows, network.cols)
    if args.grids:
        return load_grid_file(args.grids, shape, network.labels)
    return load_digit_set(args.dataset, shape, network.labels)


def digit_library(network: Network, folder: Path = DIGITS_DIR) -> dict[str, DigitSet]:
    """Every digit set of ``folder`` (default: the shipped ones) by name, checked against
    ``network`` (its grid and labels)."""
    shape = (network.rows, network.cols)
    files = sorted(Path(folder).glob("*.toml"))
    return {path.stem: load_digit_set(path, shape, network.labels) for path in files}


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang fr|en``."""
    parser.add_argument(
        "--lang",
        choices=languages(),
        default=DEFAULT_LANGUAGE,
        help=f"language of the texts (default: {DEFAULT_LANGUAGE})",
    )


def texts_from(args: argparse.Namespace) -> Texts:
    """The texts in the language the options name."""
    return load_texts(args.lang)
