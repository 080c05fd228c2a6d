"""The screen's views, one module each: every one draws a :class:`~controller.scene.Scene` on a
surface from the scene alone (no state of its own, no I/O) and returns its hotspots
(:mod:`display.hotspot`). :mod:`display.registry` lists them by name.
"""
