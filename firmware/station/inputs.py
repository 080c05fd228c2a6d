"""The station's inputs: the slider oversampled with spike rejection and filtered, the buttons
debounced.

Both are plain logic over numbers the board layer reads, so the tests drive them with a
simulated board and a clock they control.
"""

#: Reads per slider sample; the sample is their median, so up to two wild reads are ignored.
READS_PER_SAMPLE = 5
#: A read this far (12-bit LSB) from its sample's median counts the sample as a spike. The
#: RP2040 ADC's noise is about 1 LSB RMS and its DNL steps under 10 LSB: 64 is well clear.
SPIKE_LSB = 64
#: The slider's filter: an exponential moving average of time constant about 64 ms (the
#: host's filter used to be 70 ms at 50 Hz), computed in fixed point with FIXED fraction bits.
FILTER_MS = 64
FIXED = 8
#: A sample's distance to the first of its report window counts at most this much in the noise.
NOISE_SPAN = 1000

BUTTON_NAMES = ("minus", "plus", "ok")
OK_BUTTON = 2


class Slider:
    """The slider, sampled at the board's rate, filtered, and summed up at each report.

    ``sample()`` takes :data:`READS_PER_SAMPLE` reads and keeps their median (a spike or an
    ADC DNL glitch in a read never reaches the filter), then feeds it to an exponential
    moving average whose time constant is about :data:`FILTER_MS` whatever the sample rate:
    ``value()`` is that filtered reading, the one the station reports. ``take()`` returns the
    samples with a spike and their noise since the last call, and starts counting afresh.

    :param read: the board's ADC read, returning 0–4095.
    :param sample_hz: samples per second (the filter's step).
    """

    def __init__(self, read, sample_hz):
        self._read = read
        self._reads = [0] * READS_PER_SAMPLE  # reused: no allocation at 1 kHz
        # The EMA's weight is 1 / 2**shift: the power of two nearest FILTER_MS of samples.
        steps = sample_hz * FILTER_MS // 1000
        self.shift = 0
        while (2 << self.shift) <= steps + steps // 2:
            self.shift += 1
        self._half = (1 << self.shift) >> 1
        self._filtered = -1  # the EMA, × 2**FIXED (small ints only), -1 before any sample
        self._count = 0
        self._spikes = 0
        # The samples since the last report, as distances to the first of them (small ints,
        # held to ±NOISE_SPAN: a wilder sample is a moving slider, noisy enough).
        self._ref = 0
        self._sum = 0
        self._square_sum = 0

    def sample(self):
        """Read the slider once (the median of five reads) into the filter."""
        read = self._read
        reads = self._reads
        for i in range(READS_PER_SAMPLE):
            reads[i] = read()
        reads.sort()
        median = reads[2]
        if reads[4] - median > SPIKE_LSB or median - reads[0] > SPIKE_LSB:
            self._spikes += 1
        scaled = median << FIXED
        if self._filtered < 0:
            self._filtered = scaled
        # Rounded, not floored: a floored shift would pull the filter down by ~2 LSB.
        self._filtered += (scaled - self._filtered + self._half) >> self.shift
        if not self._count:
            self._ref = median
        distance = min(NOISE_SPAN, max(-NOISE_SPAN, median - self._ref))
        self._sum += distance
        self._square_sum += distance * distance
        self._count += 1

    def value(self):
        """The filtered reading, 0–4095 (2048 before the first sample)."""
        if self._filtered < 0:
            return 2048
        return (self._filtered + (1 << (FIXED - 1))) >> FIXED

    def take(self):
        """``(spikes, noise_x4, samples)`` since the last call: the samples with a spike, the
        samples' RMS deviation from their mean in quarter LSB (0–255), how many there were."""
        count = self._count
        noise_x4 = 0
        if count:
            mean = self._sum / count
            variance = max(0.0, self._square_sum / count - mean * mean)
            noise_x4 = min(255, int(4 * variance**0.5 + 0.5))
        spikes = self._spikes
        self._count = self._spikes = self._sum = self._square_sum = 0
        return spikes, noise_x4, count


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
