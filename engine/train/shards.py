"""Reading training shards (CONTRACTS §2): `<split>/<aspect>-<NNNNN>.bin` + `.json` beside it."""
import glob
import json
import os
from dataclasses import dataclass
from typing import Dict, List

import numpy as np

ASPECTS = ("1x1", "16x9", "9x16")


@dataclass
class Shard:
    path: str                # the .bin
    aspect: str
    width: int
    height: int
    frames: int
    fps: int
    count: int
    items: list              # [{ "scene": ..., "captions": [...] }]

    def video(self) -> np.ndarray:
        """uint8 [count, frames, H, W, 3], memory-mapped: nothing is read until indexed."""
        return np.memmap(self.path, dtype=np.uint8, mode="r").reshape(
            self.count, self.frames, self.height, self.width, 3)


def list_shards(root: str, split: str) -> List[Shard]:
    out = []
    for js in sorted(glob.glob(os.path.join(root, split, "*.json"))):
        name = os.path.basename(js)[:-len(".json")]
        aspect = name.split("-")[0]
        if aspect not in ASPECTS:
            continue
        binp = js[:-len(".json")] + ".bin"
        if not os.path.exists(binp):
            continue  # a shard still being written: its .bin lands last or not yet
        with open(js) as f:
            meta = json.load(f)
        expect = meta["count"] * meta["frames"] * meta["height"] * meta["width"] * 3
        if os.path.getsize(binp) != expect:
            continue  # partially written
        out.append(Shard(binp, aspect, meta["width"], meta["height"], meta["frames"], meta.get("fps", 8),
                         meta["count"], meta["items"]))
    return out


def by_aspect(shards: List[Shard]) -> Dict[str, List[Shard]]:
    groups: Dict[str, List[Shard]] = {}
    for s in shards:
        groups.setdefault(s.aspect, []).append(s)
    return groups


def all_captions(shards: List[Shard]) -> List[str]:
    return [c for s in shards for it in s.items for c in it["captions"]]
