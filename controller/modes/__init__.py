"""What the installation does with events, by mode: free play, visitor, workshop, technician.

:mod:`~controller.modes.engine` hands each event to the mode the console's key chose:
:mod:`~controller.modes.freeplay`, :mod:`~controller.modes.visitor` (with its challenges) or
:mod:`~controller.modes.guide`, which walks the workshop's :mod:`~controller.script`
(its :mod:`~controller.conditions`, the grandeur nature :mod:`~controller.answers`,
the :mod:`~controller.modes.learning` rule, the training :mod:`~controller.modes.finale`).
:mod:`~controller.pickup` holds a slider until it reaches a threshold set by software.
:mod:`~controller.modes.actors` and :mod:`~controller.modes.rehearsal` play scripted people
for the leader's rehearsal and the tests. All pure but the rehearsal's shell.
"""
