"""What technicians use: calibrating the sliders, keeping the calibrations, the desk.

The model of a calibration (a slider's raw reading → its ruler's threshold) is the core's
:mod:`controller.calibration`, and what a technician reads of each station
:mod:`controller.diagnosis`. Here: :mod:`~controller.technician.procedure`, the walk-through
that measures a slider; :mod:`~controller.technician.store`, which keeps calibrations in the
state directory; and :mod:`~controller.technician.desk`, which runs calibrations from the
stations' own buttons in technician mode and gathers the diagnosis.
"""
