#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference outputs of Pillow's BICUBIC resize for tests/pillowresizetest.cpp.

Run with Debian's Pillow 9.4 (apt-get install python3-pil python3-numpy; /usr/bin/python3 generate.py).
Writes, next to this script, <name>.in.rgb and <name>.out.rgb (tightly packed 8-bit RGB rows) and
cases.txt ("name inWidth inHeight outWidth outHeight" per line). Inputs are deterministic (fixed seeds).
"""
import os

import numpy as np
import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def noise(rng, w, h):
    return rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def gradient_noise(rng, w, h, amplitude):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([255 * x / max(w - 1, 1), 255 * y / max(h - 1, 1), 127.5 + 127.5 * np.sin((x + 2 * y) / 7.0)], axis=-1)
    jitter = rng.integers(-amplitude, amplitude + 1, size=(h, w, 3))
    return np.clip(np.rint(base) + jitter, 0, 255).astype(np.uint8)


def checkerboard(w, h):
    y, x = np.mgrid[0:h, 0:w]
    on = ((x // 2 + y // 2) % 2).astype(np.uint8) * 255
    return np.stack([on, 255 - on, on], axis=-1)  # hard 0/255 edges: the upscale overshoots and must clamp


def main():
    rng = np.random.default_rng(20240611)
    cases = [
        # name, input pixels, output size
        ("noise_down", noise(rng, 37, 23), (19, 11)),
        ("gradient_up", gradient_noise(rng, 50, 40, 24), (224, 179)),
        ("noise_clip", noise(rng, 300, 200), (224, 149)),
        ("gradient_clip", gradient_noise(rng, 341, 285, 40), (268, 224)),
        ("width_only", gradient_noise(rng, 800, 12, 60), (67, 12)),
        ("height_only", gradient_noise(rng, 12, 600, 60), (12, 50)),
        ("checker_up", checkerboard(16, 12), (72, 54)),
        ("huge_factor", noise(rng, 3000, 2), (10, 2)),  # > 1024 filter taps per output
    ]
    total = 0
    lines = []
    for name, pixels, (ow, oh) in cases:
        h, w, _ = pixels.shape
        out = np.asarray(Image.fromarray(pixels, "RGB").resize((ow, oh), Image.Resampling.BICUBIC))
        assert out.shape == (oh, ow, 3)
        for suffix, data in (("in", pixels), ("out", out)):
            path = os.path.join(HERE, f"{name}.{suffix}.rgb")
            with open(path, "wb") as f:
                f.write(np.ascontiguousarray(data).tobytes())
            total += data.nbytes
        lines.append(f"{name} {w} {h} {ow} {oh}")
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write(f"# Pillow {PIL.__version__} Image.resize(..., BICUBIC); made by generate.py\n")
        f.write("\n".join(lines) + "\n")
    assert total < 1_000_000, total
    print(f"{len(cases)} cases, {total} bytes, Pillow {PIL.__version__}")


if __name__ == "__main__":
    main()
