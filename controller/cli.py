"""The ``neurones`` command: the product's face for people and for checks.

``neurones run`` is the installation; the other sub-commands classify digits, train, render
screens, calibrate, diagnose and benchmark. Every sub-command has ``--help``, and those that
report have ``--json``. An error of the controller (:class:`~controller.errors.NeuronesError`)
ends the command with one line; a malformed data file's names the file and the field, with exit
status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from controller.commands import bench, calibrate, classify, diagnose, render, run, train
from controller.errors import NeuronesError

#: The sub-command modules, in the order ``--help`` lists them.
COMMANDS = (run, classify, train, render, calibrate, diagnose, bench)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``neurones`` with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="neurones",
        description="Connecte tes neurones: the installation controller and its tools.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``neurones`` with ``argv`` (default: the process arguments); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NeuronesError as exc:
        print(f"neurones: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
