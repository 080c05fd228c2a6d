"""The one base of the host's errors.

Everything the controller refuses with a reason a person can act on is a
:class:`NeuronesError`: a malformed data file (:class:`~controller.datafile.DataError`), a frame
or message that breaks the wire protocol (:class:`~controller.stations.framing.FrameError`,
:class:`~controller.stations.messages.MessageError`), an LED driver that does not answer
(:class:`~controller.floor.pico.LedDriverError`), no display for the window
(:class:`~display.window.NoDisplayError`). The ``neurones`` command turns any of them into one
line, ``neurones: error: …``, and its exit status. The boards' firmware has errors of its own
(``firmware/common/wire.py``): a board cannot import the host.
"""

from __future__ import annotations


class NeuronesError(Exception):
    """An error of the controller, with a message that says what to do about it."""

    #: The exit status of ``neurones`` when this error ends a command (1: it failed).
    exit_status = 1
