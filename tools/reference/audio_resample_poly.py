#!/usr/bin/python3
"""Reference outputs of scipy.signal.resample_poly for the resampler comparison test.

Run with Debian's Python (numpy + scipy): /usr/bin/python3 tools/reference/audio_resample_poly.py
Writes little-endian float32 raw files to tests/fixtures/Audio/resample_poly/:
  <name>.in.f32 (input), <name>.scipy.f32 (scipy output), plus cases.txt (name source_rate target_rate).
scipy designs a different filter (Kaiser beta 5, cutoff at the lower Nyquist, 10 zero crossings per side), so
the C# test reports the difference and only bounds it loosely; the tone tests are the quality gate.
"""
import math
import os
from fractions import Fraction

import numpy as np
import scipy
from scipy.signal import resample_poly, chirp

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "Audio", "resample_poly")


def tones(rate, seconds, freqs, amp):
    t = np.arange(int(rate * seconds)) / rate
    return sum(amp * np.sin(2 * np.pi * f * t + 0.1 * i) for i, f in enumerate(freqs))


def main():
    rng = np.random.default_rng(20261127)
    cases = {
        # speech band tones: both resamplers should agree closely
        "tones_44100_16000": (44100, 16000, tones(44100, 0.5, [440, 1000, 3000], 0.25)),
        # a sweep through the pass band at 48 kHz
        "chirp_48000_16000": (48000, 16000, 0.5 * chirp(np.arange(24000) / 48000, 100, 0.5, 7000)),
        # white noise: differences concentrate where the two filters' transition bands differ (7.2-8 kHz)
        "noise_22050_16000": (22050, 16000, rng.uniform(-0.5, 0.5, 11025)),
        # up-sampling a telephone-rate tone pair
        "tones_8000_16000": (8000, 16000, tones(8000, 0.5, [300, 2500], 0.4)),
        "tones_16000_44100": (16000, 44100, tones(16000, 0.5, [500, 5000], 0.4)),
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cases.txt"), "w") as listing:
        listing.write(f"# scipy {scipy.__version__}, numpy {np.__version__}: name source_rate target_rate\n")
        for name, (src, dst, x) in cases.items():
            x = x.astype(np.float32)
            r = Fraction(dst, src)
            y = resample_poly(x.astype(np.float64), r.numerator, r.denominator).astype(np.float32)
            assert len(y) == math.ceil(len(x) * r)
            x.astype("<f4").tofile(os.path.join(OUT, f"{name}.in.f32"))
            y.astype("<f4").tofile(os.path.join(OUT, f"{name}.scipy.f32"))
            listing.write(f"{name} {src} {dst}\n")


if __name__ == "__main__":
    main()
