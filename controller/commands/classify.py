"""``neurones classify``: run digits through the network and show every neuron's value."""

from __future__ import annotations

import argparse
import json

from controller.commands.options import (
    add_digit_options,
    add_language_option,
    add_network_options,
    digits_from,
    network_from,
    texts_from,
)
from controller.digits import DigitSet
from controller.network import Forward, Network, forward
from controller.texts import Texts


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classify`` to the ``neurones`` command."""
    parser = subparsers.add_parser(
        "classify",
        help="classify digits and show every neuron's value",
        description="Run a digit set through the network: band counts, every neuron's value, "
        "the decision, and whether it matches the expected digit.",
    )
    add_digit_options(parser, default="grandeur-nature")
    add_network_options(parser)
    add_language_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object per grid")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Classify and print; exit status 0."""
    network = network_from(args)
    digits = digits_from(args, network)
    result = forward(network, digits.grids())
    if args.json:
        print(json.dumps(as_json(digits, result), ensure_ascii=False, indent=1))
    else:
        print(table(network, digits, result, texts_from(args)))
    return 0


def as_json(digits: DigitSet, result: Forward) -> list[dict]:
    """One object per grid with every neuron's value, lists in the network file's order."""
    return [
        {
            "name": d.name,
            "label": d.label,
            "inputs": _numbers(result.inputs[i]),
            "hidden_sums": _numbers(result.hidden_sums[i]),
            "hidden": _numbers(result.hidden[i]),
            "output_sums": _numbers(result.output_sums[i]),
            "outputs": _numbers(result.outputs[i]),
            "decision": result.decision(i).as_dict(),
        }
        for i, d in enumerate(digits.digits)
    ]


def table(network: Network, digits: DigitSet, result: Forward, texts: Texts) -> str:
    """A readable table: one row per digit, then "k/N reconnus"."""
    header = [
        texts["classify.digit"],
        texts["classify.label"],
        *network.input_names,
        "│",
        *network.hidden_names,
        "│",
        *network.output_names,
        "│",
        texts["classify.decision"],
        "",
    ]
    rows = [header]
    correct = labelled = 0
    for i, d in enumerate(digits.digits):
        decision = result.decision(i)
        if d.label is None:
            mark = texts["classify.unlabelled"]
        else:
            labelled += 1
            ok = decision.status == "clear" and decision.digits == (d.label,)
            correct += ok
            mark = texts["classify.right" if ok else "classify.wrong"]
        rows.append(
            [
                d.name,
                "" if d.label is None else str(d.label),
                *map(_number, result.inputs[i]),
                "│",
                *map(_number, result.hidden[i]),
                "│",
                *map(_number, result.outputs[i]),
                "│",
                texts.decision(decision.status, decision.digits),
                mark,
            ]
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(header))]
    text_columns = {0, 1, len(header) - 2, len(header) - 1}
    lines = [
        "  ".join(
            cell.ljust(w) if c in text_columns else cell.rjust(w)
            for c, (cell, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]
    lines.insert(1, "─" * len(lines[0]))
    if labelled:
        lines.append(texts.format("classify.summary", correct=correct, total=labelled))
    return "\n".join(lines)


def _number(x: float) -> str:
    """An integer as such, a real number with two decimals."""
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def _numbers(values) -> list[float | int]:
    return [int(v) if float(v).is_integer() else round(float(v), 6) for v in values]
