"""The station's inputs: the slider oversampled with spike rejection, the buttons debounced.

Both are plain logic over numbers the board layer reads, so the tests drive them with a
simulated board and a clock they control.
"""

#: Reads per slider sample; the sample is their median, so up to two wild reads are ignored.
READS_PER_SAMPLE = 5
#: A read this far (12-bit LSB) from its sample's median counts the sample as a spike. The
#: RP2040 ADC's noise is about 1 LSB RMS and its DNL steps under 10 LSB: 64 is well clear.
SPIKE_LSB = 64

BUTTON_NAMES = ("minus", "plus", "ok")
OK_BUTTON = 2


class Slider:
    """The slider, sampled at the board's rate and averaged over each report window.

    ``sample()`` takes :data:`READS_PER_SAMPLE` reads and keeps their median (a spike or an
    ADC DNL glitch in a read never reaches the mean); ``take()`` returns the window's mean and
    how many samples had a spike, and starts a new window.

    :param read: the board's ADC read, returning 0–4095.
    """

    def __init__(self, read):
        self._read = read
        self._reads = [0] * READS_PER_SAMPLE  # reused: no allocation at 1 kHz
        self._total = 0
        self._count = 0
        self._spikes = 0
        self.last = 0

    def sample(self):
        """Read the slider once (the median of five reads) into the current window."""
        read = self._read
        reads = self._reads
        for i in range(READS_PER_SAMPLE):
            reads[i] = read()
        reads.sort()
        median = reads[2]
        if reads[4] - median > SPIKE_LSB or median - reads[0] > SPIKE_LSB:
            self._spikes += 1
        self._total += median
        self._count += 1

    def take(self):
        """``(raw, spikes, samples)`` of the window now ending: its mean (rounded), the
        samples with a spike, and how many samples it had; the last mean if it had none."""
        count = self._count
        if count:
            self.last = (self._total + count // 2) // count
        spikes = self._spikes
        self._total = self._count = self._spikes = 0
        return self.last, spikes, count


class Buttons:
    """Debounced buttons: a level counts once it has been stable for ``debounce_ms``.

    ``update(pressed, now_ms, diff)`` takes the raw bitmask (bit 0 "−", 1 "+", 2 OK; 1 =
    pressed) and returns the confirmed edges as ``(button, pressed, t_ms)``, ``t_ms`` being when
    the level changed; ``held`` is the debounced bitmask.

    :param diff: the board's ``ticks_diff`` (MicroPython's clock wraps).
    """

    def __init__(self, count, debounce_ms, now_ms, diff):
        self.count = count
        self.debounce_ms = debounce_ms
        self.held = 0
        self._diff = diff
        self._raw = 0
        self._since = [now_ms] * count

    def update(self, pressed, now_ms):
        """Take one reading of the buttons; the debounced edges it confirms, oldest first."""
        changed = pressed ^ self._raw
        if not changed and pressed == self.held:
            return ()  # the usual case, 1000 times a second: nothing to allocate
        edges = []
        self._raw = pressed
        for i in range(self.count):
            bit = 1 << i
            if changed & bit:
                self._since[i] = now_ms  # bouncing, or a new level: start timing again
            elif (pressed ^ self.held) & bit and (
                self._diff(now_ms, self._since[i]) >= self.debounce_ms
            ):
                self.held ^= bit
                edges.append((i, 1 if pressed & bit else 0, self._since[i]))
        return edges
