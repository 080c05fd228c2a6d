"""The neuron stations, seen from the Pi: the wire protocol, the links, the slider's signal path.

Each station is a Pico running ``firmware/station/``. Here is the host's half of the chain:
:mod:`~controller.stations.framing` and :mod:`~controller.stations.messages` speak the protocol
of ``firmware/PROTOCOL.md``; :mod:`~controller.stations.links` finds the stations, keeps one
:mod:`~controller.stations.link` per board (each port read by its own
:mod:`~controller.stations.port` thread) and turns what they say into events, through
:mod:`~controller.stations.slider`; :mod:`~controller.stations.ring` chooses what each
station's LED ring shows; :mod:`~controller.stations.roster` reads which board is which neuron
from the installation file; :mod:`~controller.stations.emulation` runs the real firmware on
pseudo-terminals when no hardware is plugged in.

The tabletop build reads its stations without Picos (``[stations] source = "direct"``):
:mod:`~controller.stations.direct` samples sliders on MCP3008s
(:mod:`~controller.stations.adc`) and buttons on MCP23017s
(:mod:`~controller.stations.expander`) wired as :mod:`~controller.stations.wiring` reads, through
the same controls and slider path; :mod:`~controller.stations.chips` models those chips and
:mod:`~controller.stations.direct_emulation` runs the build on them.
"""
