"""What technicians use: slider calibration, its safe storage, diagnostics, the desk.

:mod:`~controller.technician.calibration` is the model (a slider's raw reading → its ruler's
threshold) and :mod:`~controller.technician.procedure` the walk-through that measures it;
:mod:`~controller.technician.store` keeps calibrations in the state directory;
:mod:`~controller.technician.diagnostics` gathers every station's live figures; and
:mod:`~controller.technician.desk` runs calibrations from the stations' own buttons in
technician mode.
"""
