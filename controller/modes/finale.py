"""The training finale on the installation: what the session keeps of it and how the leader
steps through it.

The workshop's conclusion shows the computer learning (DESIGN.md §3, phase 4): the training
runs live on the screen, then the leader shows the rulers after 100, 1000, 5000, 20000 and
50000 iterations, and the hidden rulers at the end, as the workshop's slides 60–66 do.

- The trainer (:mod:`controller.trainer`) runs the iterations between frames and sends
  :class:`~controller.events.TrainingProgressed`; the session keeps the latest progress of the
  run it asked for (:func:`progressed`), in a :class:`~controller.scene.TrainingView`.
- Entering a step restarts the training (:func:`restart`): a new run number, no progress.
- While the training view is shown the console's next/previous turn its *pages*
  (:func:`turn_page`): the live run, then each snapshot's output rulers, then the last
  snapshot's hidden rulers. Past either end they go on to the workshop's next or previous step.

All pure: functions of the session and an event, returning the new session.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from controller.digits import DigitSet
from controller.events import ConsoleAction, TrainingProgressed
from controller.network import Network
from controller.scene import TrainingView
from controller.texts import Texts
from controller.training import WORKSHOP_SNAPSHOTS, Descent, progress_of

if TYPE_CHECKING:
    from controller.session import Session
    from controller.training import Progress, Snapshot

#: The view that shows the training.
TRAINING_VIEW = "training"


def progressed(session: Session, e: TrainingProgressed) -> Session:
    """Keep the trainer's latest progress, if it belongs to the run the session asked for."""
    training = session.training
    if e.run != training.run:
        return session
    return replace(session, training=replace(training, progress=e.progress))


def restart(session: Session) -> Session:
    """Ask for a fresh training run from the workshop network as loaded, whatever thresholds
    the stations show (the trainer starts it when the training view shows)."""
    run = session.training.run + 1
    return replace(session, training=TrainingView(run=run, start=session.defaults))


def pages(progress: Progress | None) -> list[tuple[Snapshot, str]]:
    """What next/previous step through: ``(snapshot, "output")`` for each snapshot reached,
    then ``(last snapshot, "hidden")`` once the run has kept all its snapshots."""
    if progress is None:
        return []
    shown = [(s, "output") for s in progress.snapshots]
    if progress.snapshots and len(progress.snapshots) == len(progress.planned):
        shown.append((progress.snapshots[-1], "hidden"))
    return shown


def turn_page(session: Session, e: ConsoleAction) -> Session | None:
    """Next/previous while the training view is shown: the next or previous page.

    Returns None when the action is not a page turn (another view, another action, or past
    either end of the pages), so the mode handles it as usual (the workshop's next step).
    """
    training = session.training
    if session.view != TRAINING_VIEW or e.action not in ("next", "previous"):
        return None
    available = pages(training.progress)
    page = training.page
    if e.action == "next":
        if page is None:
            target = 0 if available else None
        elif page + 1 < len(available):
            target = page + 1
        elif training.progress.finished:
            return None  # the last page: on to the workshop's next step
        else:
            return session  # later pages are still being learnt: stay
        if target is None:
            return None
    else:
        if page is None:
            return None
        target = None if page == 0 else page - 1
    return replace(session, training=replace(training, page=target))


def shown(training: TrainingView) -> tuple[Snapshot | None, str]:
    """The snapshot on show (None: the live run) and which rulers ("output" or "hidden")."""
    available = pages(training.progress)
    if training.page is None or training.page >= len(available):
        return None, "output"
    return available[training.page]


def count_text(n: int, texts: Texts) -> str:
    """A whole number with its thousands grouped as the language writes them: 50 000, 50,000."""
    sample = texts["training.thousands"]  # how a thousand is written: "1 000", "1,000"
    separator = sample[1:-3]
    return f"{int(n):,}".replace(",", separator)


def progress_or_start(training: TrainingView, network: Network, digits: DigitSet):
    """The run's progress, or before its first iterations the start: iteration 0 of a run from
    ``training.start`` (else ``network``) on the labelled digits on show. None when there is no
    labelled digit to learn."""
    if training.progress is not None:
        return training.progress
    network = training.start or network
    labelled = tuple(d for d in digits.digits if d.label is not None)
    if not labelled:
        return None
    descent = Descent(network, DigitSet(digits.name, labelled))
    progress = progress_of(descent, WORKSHOP_SNAPSHOTS[-1])
    return replace(progress, planned=WORKSHOP_SNAPSHOTS)
