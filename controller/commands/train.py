"""``neurones train``: the workshop's finale in the terminal, the network learning by itself.

Starts from the workshop network and runs full-batch gradient descent on the ``training``
digits (:mod:`controller.training`), then prints the loss and the score at each snapshot::

    neurones train                                  # 50,000 iterations, the workshop's snapshots
    neurones train --out trained.toml               # …and keep the network it reaches
    neurones classify --network trained.toml --dataset training      # 16/16
    neurones train --iterations 5000 --snapshots 10,100,1000 --lr 0.002 --json

``--json`` prints one object whose ``snapshots`` list has, for each iteration asked for, the
loss, the number of digits recognised and every weight and threshold by neuron name.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

import tomli_w

from controller.commands.options import (
    add_digit_options,
    add_language_option,
    add_network_options,
    digits_from,
    network_from,
    output_file,
    texts_from,
)
from controller.datafile import DataError
from controller.digits import DigitSet
from controller.network import Network, network_document
from controller.storage import write_atomically
from controller.texts import Texts
from controller.training import WORKSHOP_SNAPSHOTS, Descent, Options, Snapshot, train

#: Width of the progress bar, in characters.
BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``train`` to the ``neurones`` command."""
    parser = subparsers.add_parser(
        "train",
        help="train the network by gradient descent on the finale's 16 digits",
        description="Start from the workshop network and learn every weight and threshold by "
        "full-batch gradient descent; print the loss and the score at each snapshot.",
    )
    parser.add_argument(
        "--iterations",
        type=_count,
        default=WORKSHOP_SNAPSHOTS[-1],
        metavar="N",
        help=f"how many iterations (default {WORKSHOP_SNAPSHOTS[-1]})",
    )
    parser.add_argument(
        "--snapshots",
        type=_counts,
        metavar="N,N,…",
        help="the iterations to report (default: "
        f"{','.join(map(str, WORKSHOP_SNAPSHOTS))} up to --iterations, and the last)",
    )
    defaults = Options()
    parser.add_argument(
        "--lr",
        type=_positive,
        default=defaults.learning_rate,
        metavar="RATE",
        help=f"learning rate: the size of each step (default {defaults.learning_rate})",
    )
    parser.add_argument(
        "--all-connections",
        action="store_true",
        help="let every weight learn, not only the workshop's connections",
    )
    parser.add_argument(
        "--out", type=output_file, metavar="FILE", help="write the trained network to FILE"
    )
    add_digit_options(parser, default="training")
    add_network_options(parser)
    add_language_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train, report, and write the network if asked; exit status 0 (2 for bad input)."""
    network = network_from(args)
    digits = learnable(digits_from(args, network))
    snapshots = snapshots_from(args)
    texts = texts_from(args)
    options = Options(learning_rate=args.lr, all_connections=args.all_connections)
    show_bar = not args.json and sys.stderr.isatty()
    if not args.json:
        print(heading(args, digits, options, texts))
    bar = ProgressBar(args.iterations, texts, sys.stderr) if show_bar else None
    descent = train(network, digits, args.iterations, snapshots, options, progress=bar)
    if bar is not None:
        bar.close()
    if args.out:
        save_network(descent.network(), args.out)
    if args.json:
        print(json.dumps(as_json(descent, options, args), ensure_ascii=False, indent=1))
        return 0
    print(table(descent, texts))
    print(summary(descent, texts))
    if args.out:
        print(texts.format("training.written", path=args.out))
    return 0


def learnable(digits: DigitSet) -> DigitSet:
    """The digits, checked: training needs every digit's label.

    :raises DataError: naming the digits without a label.
    """
    unlabelled = [d.name for d in digits.digits if d.label is None]
    if unlabelled:
        message = f"training needs a label on every digit; none on {', '.join(unlabelled)}"
        raise DataError(digits.name, "label", message)
    return digits


def snapshots_from(args: argparse.Namespace) -> tuple[int, ...]:
    """The snapshot iterations asked for, or the workshop's that fit, and the last.

    :raises DataError: for a snapshot past ``--iterations``.
    """
    if args.snapshots is None:
        kept = [s for s in WORKSHOP_SNAPSHOTS if s < args.iterations]
        return (*kept, args.iterations)
    late = [s for s in args.snapshots if s > args.iterations]
    if late:
        message = f"{late[0]} is past --iterations {args.iterations}"
        raise DataError("--snapshots", ",".join(map(str, args.snapshots)), message)
    return tuple(sorted(set(args.snapshots)))


def save_network(network: Network, path: str) -> None:
    """Write ``network`` as a network file (``--network`` loads it), whole or not at all."""
    header = (
        "# A network trained by `neurones train`, from the workshop network.\n"
        "# Load it with `neurones run --network FILE` or `neurones classify --network FILE`.\n\n"
    )
    write_atomically(path, header + tomli_w.dumps(network_document(network)))


# --- what it prints ----------------------------------------------------------------------------


def heading(args: argparse.Namespace, digits: DigitSet, options: Options, texts: Texts) -> str:
    """One line: what is learnt, how long, with which step."""
    connections = texts["training.all" if options.all_connections else "training.kept"]
    return texts.format(
        "training.heading",
        count=len(digits),
        dataset=digits.name,
        iterations=texts.count_text(args.iterations),
        rate=options.learning_rate,
        connections=connections,
    )


def table(descent: Descent, texts: Texts) -> str:
    """Iteration, loss and k/N for the start and each snapshot."""
    header = (texts["training.iteration"], texts["training.loss"], texts["training.correct"])
    total = len(descent.digits)
    rows = [header]
    for iteration in sorted({0, *(s.iteration for s in descent.snapshots)}):
        loss, correct = descent.losses[iteration], descent.correct[iteration]
        score = texts.format("training.score", correct=int(correct), total=total)
        rows.append((texts.count_text(iteration), f"{loss:.4f}", score))
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "─" * len(lines[0]))
    return "\n".join(lines)


def summary(descent: Descent, texts: Texts) -> str:
    """When every digit was first recognised, or how far it got."""
    total = len(descent.digits)
    reached = descent.first_all_right()
    if reached is not None:
        return texts.format("training.all_right", total=total, iteration=texts.count_text(reached))
    return texts.format(
        "training.not_all_right",
        iterations=texts.count_text(descent.iteration),
        correct=descent.correct_now,
        total=total,
    )


def as_json(descent: Descent, options: Options, args: argparse.Namespace) -> dict:
    """The run as one JSON object; ``snapshots`` has every weight and threshold of each."""
    return {
        "dataset": descent.digits.name,
        "digits": len(descent.digits),
        "iterations": descent.iteration,
        "learning_rate": options.learning_rate,
        "margin": options.margin,
        "all_connections": options.all_connections,
        "start": {"loss": float(descent.losses[0]), "correct": int(descent.correct[0])},
        "first_all_right": descent.first_all_right(),
        "snapshots": [snapshot_json(s) for s in descent.snapshots],
        "out": args.out,
    }


def snapshot_json(snapshot: Snapshot) -> dict:
    """One snapshot: iteration, loss, k of N, and each neuron's threshold and weights by name."""
    network = snapshot.network

    def weights(row, sources) -> dict[str, float]:
        return {s: float(w) for s, w in zip(sources, row, strict=True)}

    hidden = zip(network.hidden_names, network.hidden_weights, strict=True)
    outputs = zip(network.output_names, network.output_weights, strict=True)
    return {
        "iteration": snapshot.iteration,
        "loss": snapshot.loss,
        "correct": snapshot.correct,
        "total": snapshot.total,
        "thresholds": network.thresholds(),
        "weights": {
            **{n: weights(row, network.input_names) for n, row in hidden},
            **{n: weights(row, network.hidden_names) for n, row in outputs},
        },
    }


class ProgressBar:
    """A one-line bar on a terminal, redrawn after each chunk of iterations."""

    def __init__(self, iterations: int, texts: Texts, out: TextIO) -> None:
        self.iterations = iterations
        self.texts = texts
        self.out = out

    def __call__(self, descent: Descent) -> None:
        """Redraw the bar for how far ``descent`` has got."""
        done = descent.iteration / max(1, self.iterations)
        filled = round(done * BAR_WIDTH)
        words = self.texts.format(
            "training.progress",
            done=self.texts.count_text(descent.iteration),
            iterations=self.texts.count_text(self.iterations),
            loss=f"{descent.loss:.3f}",
            correct=descent.correct_now,
            total=len(descent.digits),
        )
        self.out.write(f"\r{'█' * filled}{'░' * (BAR_WIDTH - filled)} {words}")
        self.out.flush()

    def close(self) -> None:
        """End the bar's line."""
        self.out.write("\n")
        self.out.flush()


# --- argument types ------------------------------------------------------------------------------


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of iterations, got {text!r}")
    return value


def _counts(text: str) -> tuple[int, ...]:
    return tuple(_count(part.strip()) for part in text.split(",") if part.strip())


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value
