"""The ``neurones`` sub-commands, one module each.

Each module has ``register(subparsers)``, which adds its parser and sets ``func`` to the function
that runs it; the function returns the process exit status.
"""
