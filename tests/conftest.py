"""Shared test set-up: pygame always headless, so tests run on machines without a screen."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")


def pytest_configure(config):
    """Markers: ``slow`` tests run in the normal suite but take tens of seconds."""
    config.addinivalue_line("markers", "slow: a long end-to-end run (part of the normal suite)")
