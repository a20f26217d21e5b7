"""Writes tiny CONTRACTS §2 shards (moving flat-coloured squares/discs on solid backgrounds) for smoke tests of
engine/train without the TypeScript synthesizer.  python3 test/train/make_tiny_shards.py OUT [--count 16]"""
import argparse
import json
import os

import numpy as np

SIZES = {"1x1": (64, 64), "16x9": (112, 64), "9x16": (64, 112)}
COLORS = {"red": (230, 40, 40), "green": (40, 200, 60), "blue": (40, 80, 230), "yellow": (240, 220, 40)}
MOTIONS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


def render(rng, w, h, frames):
    color = rng.choice(list(COLORS))
    motion = rng.choice(list(MOTIONS))
    shape = rng.choice(["square", "circle"])
    bg = rng.integers(0, 60, 3)
    r = int(rng.integers(5, 11))
    dx, dy = MOTIONS[motion]
    x0, y0 = w / 2 - dx * w * 0.25, h / 2 - dy * h * 0.25
    yy, xx = np.mgrid[0:h, 0:w]
    video = np.empty((frames, h, w, 3), np.uint8)
    for f in range(frames):
        cx, cy = x0 + dx * w * 0.5 * f / (frames - 1), y0 + dy * h * 0.5 * f / (frames - 1)
        inside = (np.abs(xx - cx) <= r) & (np.abs(yy - cy) <= r) if shape == "square" else \
            (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        video[f] = bg
        video[f][inside] = COLORS[color]
    caps = [f"a {color} {shape} moves {motion}", f"{color} {shape} going {motion}"]
    return video, {"scene": {"color": color, "shape": shape, "motion": motion}, "captions": caps}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=16)
    ap.add_argument("--frames", type=int, default=17)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    for split, count in (("train", a.count), ("heldout", max(2, a.count // 4))):
        os.makedirs(os.path.join(a.out, split), exist_ok=True)
        for aspect, (w, h) in SIZES.items():
            vids, items = zip(*[render(rng, w, h, a.frames) for _ in range(count)])
            base = os.path.join(a.out, split, f"{aspect}-00000")
            np.stack(vids).tofile(base + ".bin")
            with open(base + ".json", "w") as f:
                json.dump({"width": w, "height": h, "frames": a.frames, "fps": 8, "count": count,
                           "items": list(items)}, f)


if __name__ == "__main__":
    main()
