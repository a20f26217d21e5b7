"""Prints the step of a training checkpoint, 0 when the file does not exist: for shell scripts that chain runs and
must know where the last one stopped (engine/train/reproduce.sh).

  python3 engine/train/state_step.py runs/dit/ckpt.pt
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checkpoint  # noqa: E402


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit(__doc__)
    state = checkpoint.load(args[0])
    print(state["step"] if state else 0)


if __name__ == "__main__":
    main()
