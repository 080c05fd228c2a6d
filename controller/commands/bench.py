"""``neurones bench``: measure the figures of DESIGN.md §6, each beside its bar."""

from __future__ import annotations

import argparse
import json
import sys

from controller.bench import FIGURES, format_table, run_figures


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``bench`` to the ``neurones`` command."""
    parser = subparsers.add_parser(
        "bench",
        help="measure speed figures against their bars",
        description="Measure the installation's speed figures and print each beside its bar.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object of key: value")
    parser.add_argument(
        "--only",
        metavar="NAME",
        choices=[f.name for f in FIGURES],
        help=f"measure one figure: {', '.join(f.name for f in FIGURES)}",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Measure and print; exit status 0 whether or not the bars pass (it reports, not gates)."""
    results = run_figures(args.only)
    if args.json:
        print(json.dumps({bar.key: round(value, 6) for bar, value in results}))
    else:
        print(format_table(results))
    sys.stdout.flush()
    return 0
