"""The visitor challenges: short tasks built on the workshop's story, read from
``data/visitor.toml``, and where the visitor mode is (:class:`Visit`).

Each ``[[challenge]]`` puts digits on show with some thresholds set, and says when it is solved
("this 6 is read as 0 and 6: fix it by moving one slider")::

    [[challenge]]
    id = "six"
    show = ["grandeur-nature", "6♠"]
    digit = "6♠"
    solved_when = ["recognised 6♠", "at most 1 moved"]

Its sentences are texts (``[challenge.ID]`` in ``data/texts/*.toml``): :func:`load_challenges`
checks that they exist in French, and every name against the network and the digit sets. What
the visitor mode does with them is :mod:`controller.modes.visitor`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from controller.conditions import Condition
from controller.datafile import DATA_DIR, Field, check_keys
from controller.digits import DigitSet
from controller.network import Network
from controller.scene import VIEWS, VisitPhase
from controller.script import Names
from controller.texts import load_texts

#: The challenges shipped with the installation.
DEFAULT_CHALLENGES = DATA_DIR / "visitor.toml"


@dataclass(frozen=True)
class Challenge:
    """A short task for visitors: the digits on show, the start, and when it is solved."""

    id: str
    digits: DigitSet
    digit: str  # the digit shown when the challenge is offered
    thresholds: Mapping[str, float]  # set when it is offered (others at their defaults)
    solved_when: tuple[Condition, ...]

    @property
    def prompt(self) -> str:
        """The text key of the challenge's sentence."""
        return f"challenge.{self.id}.prompt"

    @property
    def praise(self) -> str:
        """The text key of the celebration once it is solved."""
        return f"challenge.{self.id}.solved"


@dataclass(frozen=True)
class Visit:
    """Where the visitor mode is: attract or play, the last touch, the challenge on offer."""

    phase: VisitPhase = "play"
    last_touch: float | None = None  # None: nobody has touched anything yet
    challenge: int | None = None  # index of the challenge on offer
    baseline: Mapping[str, float] = field(default_factory=dict)  # thresholds when offered
    solved_at: float | None = None


def load_challenges(
    network: Network, library: Mapping[str, DigitSet], path: str | Path = DEFAULT_CHALLENGES
) -> tuple[Challenge, ...]:
    """Load and check the visitor challenges (their texts must exist in French).

    :raises DataError: naming the file and the field, for anything malformed.
    """
    root = Field.load(path)
    check_keys(root.table(), ("challenge",))
    names = Names(network, dict(library), VIEWS)
    texts = load_texts("fr")
    challenges = []
    for f in root["challenge"].list(min_length=1):
        check_keys(f.table(), ("id", "show", "digit", "thresholds", "solved_when"))
        digits = names.shown(f["show"])
        challenge = Challenge(
            id=f["id"].text(),
            digits=digits,
            digit=names.digit(f.get("digit"), digits),
            thresholds=names.thresholds(f.get("thresholds", {})),
            solved_when=names.conditions(f["solved_when"], digits),
        )
        for key in (challenge.prompt, challenge.praise):
            if key not in texts.entries:
                raise f["id"].error(f"no text {key!r} in data/texts/fr.toml")
        challenges.append(challenge)
    return tuple(challenges)
