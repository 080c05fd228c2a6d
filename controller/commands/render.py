"""``neurones render VIEW``: draw one frame of a screen view to a PNG, with no display.

For the README's pictures, for checking a layout at another resolution, and for looking at the
screen over SSH on the Pi::

    neurones render rulers --dataset learning --set 0=7 --out rulers.png
    neurones render training --iteration 5000 --out training-5000.png

With ``--mode`` the frame is the installation's own in that mode: the workshop at a step of the
script (``--step``), or the visitor mode, after the rehearsal's scripted class or visitor has
made ``--moves`` rounds of moves (:mod:`controller.modes.rehearsal`)::

    neurones render --mode workshop --step gn-3 --moves 10 --out gn-3.png
    neurones render --mode visitor --moves 14 --out celebration.png

``presenter`` draws the leader's presenter view instead of the class screen::

    neurones render presenter --mode workshop --step learning-green

``--audit`` prints the layout audit of the frame as JSON (:func:`display.audit.audit`):
every text drawn with its box, font size, audience, region, the texts it overlaps and
whether it leaves its region, and the problems found (none: the layout passes).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from controller.commands.installation_file import load_installation
from controller.commands.options import (
    add_digit_options,
    add_installation_option,
    add_language_option,
    add_network_options,
    bounded,
    digit_library,
    digits_from,
    network_from,
    output_file,
    screen_size,
)
from controller.datafile import DataError
from controller.digits import DigitSet
from controller.events import StationStatus, StepChosen, Tick
from controller.modes import engine
from controller.network import Network
from controller.scene import FLOOR_MODES, Scene, StationView, TrainingView, build_scene
from controller.storage import write_atomically
from controller.training import WORKSHOP_SNAPSHOTS, progress_of, start_progress, train

#: The digit set each view shows by default.
DEFAULT_DATASET = {"training": "training"}

#: The leader's view of the workshop, drawn instead of the class screen.
PRESENTER = "presenter"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``render`` to the ``neurones`` command."""
    from display.registry import VIEWS

    parser = subparsers.add_parser(
        "render",
        help="draw one screen view to a PNG file (no display needed)",
        description="Draw one frame of a screen view, headless, to a PNG file.",
    )
    views = [*VIEWS, PRESENTER, "floor"]
    parser.add_argument(
        "view",
        metavar="VIEW",
        nargs="?",
        choices=views,
        help=f"{', '.join(views)} (with --mode: default the mode's own view)",
    )
    parser.add_argument(
        "--out", type=output_file, metavar="FILE", help="PNG file to write (default: VIEW.png)"
    )
    add_installation_option(parser)
    parser.add_argument(
        "--size", type=screen_size, default=(1920, 1080), metavar="WxH", help="default 1920x1080"
    )
    add_digit_options(
        parser, default=None, default_help="training for the training view, else grandeur-nature"
    )
    parser.add_argument(
        "--digit", metavar="NAME", help="the digit on show, e.g. 3♥ (default: first)"
    )
    parser.add_argument(
        "--offline",
        metavar="NEURON",
        action="append",
        default=[],
        help="show NEURON's station as offline (repeatable)",
    )
    parser.add_argument(
        "--time",
        type=bounded(0, 1e6, why="seconds on the scene's clock"),
        default=0.0,
        metavar="SECONDS",
        help="the scene's clock (attract); with --mode, seconds passing after the moves",
    )
    parser.add_argument(
        "--mode",
        choices=("workshop", "visitor"),
        help="draw the installation in this mode, as `neurones run` shows it",
    )
    parser.add_argument(
        "--step", metavar="ID", help="with --mode workshop: the script's step (default: first)"
    )
    parser.add_argument(
        "--moves",
        type=bounded(0, 10_000, whole=True, why="rounds of moves"),
        default=0,
        metavar="N",
        help="with --mode: rounds of moves the rehearsal's class or visitor makes first",
    )
    parser.add_argument(
        "--iteration",
        type=bounded(0, 10_000_000, whole=True, why="a training snapshot"),
        metavar="N",
        help="training view: the rulers after N iterations, one of "
        f"{', '.join(map(str, WORKSHOP_SNAPSHOTS))}, or 0 before learning "
        "(default: the end of the live run)",
    )
    parser.add_argument(
        "--hidden",
        action="store_true",
        help="training view: the hidden rulers after the last snapshot",
    )
    parser.add_argument(
        "--window",
        action="store_true",
        help="the whole window of the simulated installation: the view, the stations' panel "
        "and the LED floor as it lights at --time",
    )
    parser.add_argument(
        "--audit",
        action="store_true",
        help="print the layout audit of the frame as JSON: every text drawn, its box, font "
        "size, audience and region, what it overlaps, whether it leaves its region",
    )
    floor = parser.add_argument_group("floor", "VIEW floor: LED floor frames after a change")
    floor.add_argument(
        "--frames",
        type=bounded(1, 64, whole=True, why="frames side by side"),
        default=1,
        metavar="N",
        help="how many frames (default 1)",
    )
    floor.add_argument(
        "--every",
        type=bounded(0.001, 60, why="seconds between frames"),
        default=0.8,
        metavar="SECONDS",
        help="between frames (default 0.8)",
    )
    floor.add_argument(
        "--floor-mode",
        choices=FLOOR_MODES,
        help="what the floor plays (default network, or with --mode what the mode plays)",
    )
    add_network_options(parser)
    add_language_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the view and print the file written; exit status 0."""
    if args.mode is not None:
        scene = mode_scene(args)
        if args.view not in (None, PRESENTER):
            scene = replace(scene, view=args.view)
        surface = draw(scene, args)
        name = args.step or args.mode
        written = save_png(surface, args.out or f"{args.view or name}.png")
        if not args.audit:
            print(written)
        return 0
    if args.view is None:
        raise DataError("VIEW", "", "name a view to draw, or a --mode")
    if args.dataset is None and args.grids is None:
        args.dataset = DEFAULT_DATASET.get(args.view, "grandeur-nature")
    network = network_from(args)
    digits = digits_from(args, network)
    index = 0
    if args.digit:
        try:
            index = digits.names().index(args.digit)
        except ValueError:
            names = ", ".join(digits.names())
            message = f"no such digit in the set (have: {names})"
            raise DataError("--digit", args.digit, message) from None
    known = set(network.input_names + network.hidden_names + network.output_names)
    for neuron in args.offline:
        if neuron not in known:
            raise DataError("--offline", neuron, f"unknown neuron (have: {', '.join(known)})")
    scene = build_scene(
        network,
        digits,
        digit_index=index,
        t=args.time,
        view=args.view,
        language=args.lang,
        stations=tuple(StationView(n, online=False) for n in args.offline),
        training=training_page(network, digits, args.iteration, args.hidden)
        if args.view == "training"
        else TrainingView(),
    )
    written = save_png(draw(scene, args), args.out or f"{args.view}.png")
    if not args.audit:
        print(written)
    return 0


def save_png(surface, path: str) -> str:
    """Write ``surface`` as a PNG file at ``path`` (whole or not at all); return the path.

    :raises WriteError: naming the file, if it cannot be written.
    """
    from display.frame import png_bytes

    write_atomically(path, png_bytes(surface))
    return path


def draw(scene: Scene, args: argparse.Namespace):
    """The surface the options ask for: floor frames, the whole window, the presenter view or
    the class screen; with ``--audit``, its layout audit printed as JSON."""
    from display.assets import Assets
    from display.audit import audit
    from display.frame import render_scene, render_window
    from display.theme import Theme

    if scene.view == "floor":
        return render_floor(scene, args)
    if args.window:
        return render_window(with_floor(scene, args), args.size)
    assets = Assets(args.size)
    surface, _ = render_scene(scene, args.size, assets, presenter=args.view == PRESENTER)
    if args.audit:
        least = Theme(*args.size).font_size("tiny")
        print(json.dumps(audit(assets.log, least), ensure_ascii=False, indent=1))
    return surface


def with_floor(scene: Scene, args: argparse.Namespace) -> Scene:
    """``scene`` carrying the LED floor frame of the ``--installation`` file (as the
    installation's floor sink adds it), in ``--floor-mode`` if given."""
    from controller.floor.frame import FloorRenderer

    mode = args.floor_mode
    layout = load_installation(args.installation, scene.network).floor
    if layout is None:
        return scene
    shown = replace(scene, floor_mode=mode) if mode else scene
    return replace(scene, floor=FloorRenderer(layout, scene.network).frame(shown).view)


def training_page(
    network: Network, digits: DigitSet, iteration: int | None, hidden: bool
) -> TrainingView:
    """The training finale as the screen shows it once the run is over, at the page asked for.

    :raises DataError: for an iteration that is not a snapshot, or ``--hidden`` with another
        snapshot than the last.
    """
    if iteration == 0 and not hidden:  # before the first iteration
        return TrainingView(progress=start_progress(network, digits))
    labelled = DigitSet(digits.name, tuple(d for d in digits.digits if d.label is not None))
    if not labelled.digits:
        raise DataError("--dataset", digits.name, "no labelled digit to learn")
    descent = train(network, labelled)
    progress = progress_of(descent, descent.iteration)
    available = TrainingView(progress=progress).pages()
    if iteration is None and not hidden:
        return TrainingView(progress=progress)
    wanted = (iteration or WORKSHOP_SNAPSHOTS[-1], "hidden" if hidden else "output")
    found = [k for k, (s, layer) in enumerate(available) if (s.iteration, layer) == wanted]
    if not found:
        have = ", ".join(str(s.iteration) for s in progress.snapshots)
        field = "--hidden" if hidden else "--iteration"
        message = f"no such page: the snapshots are {have}; --hidden shows the last one's"
        raise DataError(field, str(iteration), message)
    return TrainingView(progress=progress, page=found[0])


def render_floor(scene, args: argparse.Namespace):
    """The floor at ``--frames`` instants ``--every`` seconds apart after the values changed."""
    from controller.floor.frame import FloorRenderer
    from controller.texts import load_texts
    from display.assets import Assets
    from display.floor_strip import draw_floor_strip
    from display.frame import headless

    layout = load_installation(args.installation, scene.network).floor
    if layout is None:
        message = "no [floor] section: this installation has no LEDs"
        raise DataError(args.installation, "floor", message)
    renderer = FloorRenderer(layout, scene.network)
    times = [args.time + i * args.every for i in range(args.frames)]
    mode = args.floor_mode or (scene.floor_mode if args.mode else "network")
    scenes = [replace(scene, t=t, changed_at=0.0, floor_mode=mode) for t in times]
    views = [renderer.frame(s).view for s in scenes]
    texts = load_texts(args.lang)
    title = texts.format(
        "floor.title", digit=scene.digit.name, decision=texts.decision(**scene.decision.as_dict())
    )
    headless()
    import pygame

    surface = pygame.Surface(args.size)
    draw_floor_strip(
        surface, Assets(args.size), views, times, title, texts["floor.frame"], args.lang
    )
    return surface


def mode_scene(args: argparse.Namespace) -> Scene:
    """The scene the installation shows in ``args.mode`` at ``args.step`` after ``args.moves``.

    :raises DataError: for an unknown step, or a data file the modes read.
    """
    from controller.commands.run import mode_session
    from controller.modes import rehearsal
    from controller.modes.actors import VisitorState

    network = network_from(args)
    library = digit_library(network)
    modes = load_installation(args.installation, network).modes
    digits = library["grandeur-nature"]
    session = mode_session(network, library, digits, args.lang, modes, args.mode)
    session = engine.apply_all(session, [StationStatus(n, False, 0.0) for n in args.offline])
    if args.step is not None:
        script = session.script
        if script is None or script.index(args.step) is None:
            known = ", ".join(step.id for step in script.steps) if script else "none"
            raise DataError("--step", args.step, f"no such step in the script (have: {known})")
        session = engine.apply(session, StepChosen(args.step, 0.0))
    if args.mode == "workshop":
        session, _, t = rehearsal.play(session, rehearsal.the_class, None, rounds=args.moves)
    else:
        visitor = rehearsal.the_visitor
        session, _, t = rehearsal.play(session, visitor, VisitorState(), rounds=args.moves)
    t += args.time
    return engine.scene(engine.apply(session, Tick(t)), t)
