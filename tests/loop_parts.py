"""Parts the tests plug into the installation loop: a clock they move, a screen that records."""


class Clock:
    """A monotonic clock that only moves when the loop sleeps (at least a millisecond)."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(seconds, 0.001)


class Recorder:
    """A sink (a screen) that keeps every scene it was shown."""

    def __init__(self):
        self.scenes = []

    def show(self, scene):
        self.scenes.append(scene)

    def close(self):
        pass
