"""The LED floor: the mat's layout, each scene painted onto its LEDs, and the LED outputs.

:mod:`~controller.floor.mat` reads and checks the strips, rings and segments of the
installation file; :mod:`~controller.floor.paint` turns a scene into LED levels (pure NumPy),
:mod:`~controller.floor.patterns` the technician's test patterns, :mod:`~controller.floor.colour`
caps, gamma-corrects and current-limits them, and :mod:`~controller.floor.frame` puts it
together once per frame. :mod:`~controller.floor.sink` is the installation's sink, and
:mod:`~controller.floor.output` sends frames at a steady rate to the outputs: WLED over
:mod:`~controller.floor.ddp`, our own :mod:`~controller.floor.pico` driver, the screen.
"""
