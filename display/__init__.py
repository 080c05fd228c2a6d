"""The installation's screen, in pygame: it draws a scene snapshot and nothing else.

``display`` knows nothing of serial ports, GPIO or LED strips: it draws a
:class:`controller.scene.Scene` (see :mod:`display.views`), and its window
(:mod:`display.window`) turns mouse and keyboard into the same events the hardware produces.

Layout of the package:

- :mod:`display.theme`: palette and sizes, scaled from a 1920×1080 design to any window;
- :mod:`display.text`, :mod:`display.assets`: cached text, static layers and sprites;
- :mod:`display.geometry`: pure geometry (ruler scales, chip placement, grid cells);
- :mod:`display.regions`: every view's named regions (header, band, rulers, cards…), computed
  once per screen size;
- :mod:`display.audit`: the log of every text a frame drew, and the layout audit on it;
- :mod:`display.widgets`: the parts views share (chips, rulers, digit grid, badges);
- :mod:`display.hotspot`: what a view returns, the places a person can press or drag;
- :mod:`display.views`: one module per view; :mod:`display.registry` names them (``VIEWS``);
- :mod:`display.window`: the window, both an event source and a scene sink;
- :mod:`display.presenter_screen`: the leader's presenter view on a second display;
- :mod:`display.panes`: the window's panes, each drawn again only when what it shows changes;
- :mod:`display.frame`: headless rendering to a surface or a PNG (``neurones render``).
"""

import os

# pygame prints a banner on import; the installation's log and the CLI's output stay clean.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
