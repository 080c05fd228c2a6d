"""Options several sub-commands share: which network, which thresholds, which digits, language."""

from __future__ import annotations

import argparse
import getpass
import os

from controller.datafile import DataError
from controller.digits import DigitSet, load_digit_set, load_grid_file, shipped_sets
from controller.network import DEFAULT_NETWORK, Network, load_network
from controller.texts import DEFAULT_LANGUAGE, Texts, languages, load_texts


def threshold_override(text: str) -> tuple[str, float]:
    """Parse ``NEURON=VALUE`` (``--set 0=7``) into ``("0", 7.0)``."""
    neuron, sep, value = text.partition("=")
    if not sep or not neuron:
        raise argparse.ArgumentTypeError(f"expected NEURON=VALUE, got {text!r}")
    try:
        return neuron.strip(), float(value)
    except ValueError:
        message = f"threshold of {neuron} must be a number, got {value!r}"
        raise argparse.ArgumentTypeError(message) from None


def screen_size(text: str) -> tuple[int, int]:
    """Parse ``WxH`` (``--size 1920x1080``) into ``(1920, 1080)``; at least 320x240."""
    width, sep, height = text.lower().partition("x")
    try:
        w, h = int(width), int(height)
    except ValueError:
        w = h = 0
    if not sep or w < 320 or h < 240:
        raise argparse.ArgumentTypeError(f"expected WxH of at least 320x240, got {text!r}")
    return w, h


def technician_name() -> str:
    """Who is at the keyboard, for the calibrations they save (``sudo``'s caller first)."""
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment (a container)
        return "technician"


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
        return load_grid_file(args.grids, shape)
    return load_digit_set(args.dataset, shape)


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
