"""What the installation does with events, by mode: free play, visitor, workshop, technician.

:mod:`~controller.modes.engine` hands each event to the mode the console's key chose:
:mod:`~controller.modes.freeplay`, :mod:`~controller.modes.visitor` (with the challenges of
:mod:`controller.challenges`) or :mod:`~controller.modes.guide`, which walks the workshop's
:mod:`controller.script` (its :mod:`controller.conditions`, the grandeur nature's
:mod:`controller.answers`, the :mod:`~controller.modes.learning` rule, the training
:mod:`~controller.modes.finale`). :mod:`~controller.modes.actors` and
:mod:`~controller.modes.rehearsal` play scripted people for the leader's rehearsal and the
tests.

The modes change a :class:`~controller.session.Session`, which is plain data and knows nothing
of them: every handler takes the session and one event and returns the next session. All pure
but the rehearsal's shell and the finale's trainer, which are parts of the loop.
"""
