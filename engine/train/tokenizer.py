"""Word-level tokenizer shared with TypeScript (CONTRACTS §3).

Lowercase, every character outside [a-z0-9] becomes a space, split on whitespace.
Ids: 0 <pad>, 1 <unk>, 2 <bos>, then words. A caption is [2, ...ids] truncated to 40.
"""
import json
import os
import re
from typing import Dict, Iterable, List

import numpy as np

PAD_ID, UNK_ID, BOS_ID = 0, 1, 2
MAX_LENGTH = 40
TOKENIZER_CONFIG = {"lowercase": True, "pad_id": PAD_ID, "unk_id": UNK_ID, "bos_id": BOS_ID, "max_length": MAX_LENGTH}

_NON_WORD = re.compile(r"[^a-z0-9]")


def words(text: str) -> List[str]:
    return _NON_WORD.sub(" ", text.lower()).split()


def build_vocab(captions: Iterable[str]) -> Dict[str, int]:
    """Alphabetical order so the same caption set always yields the same ids."""
    seen = set()
    for c in captions:
        seen.update(words(c))
    vocab = {"<pad>": PAD_ID, "<unk>": UNK_ID, "<bos>": BOS_ID}
    for i, w in enumerate(sorted(seen)):
        vocab[w] = 3 + i
    return vocab


def encode(text: str, vocab: Dict[str, int], max_length: int = MAX_LENGTH) -> List[int]:
    ids = [BOS_ID] + [vocab.get(w, UNK_ID) for w in words(text)]
    return ids[:max_length]


def encode_batch(texts: List[str], vocab: Dict[str, int], max_length: int = MAX_LENGTH,
                 pad_to: int = None) -> np.ndarray:
    """Right-padded int64 [B, L]; L is the longest caption unless pad_to is given."""
    rows = [encode(t, vocab, max_length) for t in texts]
    length = pad_to if pad_to is not None else max(len(r) for r in rows)
    out = np.full((len(rows), length), PAD_ID, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out


def save_tokenizer(vocab: Dict[str, int], directory: str) -> None:
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "vocab.json"), "w") as f:
        json.dump(vocab, f, indent=0, sort_keys=False)
    with open(os.path.join(directory, "tokenizer_config.json"), "w") as f:
        json.dump(TOKENIZER_CONFIG, f, indent=2)


def load_vocab(path: str) -> Dict[str, int]:
    with open(path) as f:
        return json.load(f)
