"""One entry point for training: a run is a config file (engine/train/configs/, format in run_config.py) plus
command-line flags that override its settings.

  python3 engine/train/run.py CONFIG [TRAINER FLAGS ...]
  python3 engine/train/run.py engine/train/configs/continue.json --minutes 60 --layout
  python3 engine/train/run.py CONFIG [TRAINER FLAGS ...] --show [FIELD]

The flags are the trainer's own (train_dit.py --help, train_vae.py --help) and come after the config's settings, so
they win. --show prints the resolved run as JSON without training — the config's path and purpose, the trainer, the
shards it trains on, the trainer's full command line and every setting's value (defaults included) — or one FIELD
of it, dotted ("settings.steps", "shards.clips"), for shell scripts. A switch a config turns on cannot be turned off
by a flag: write a config that extends it with the switch false.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from run_config import ConfigError, resolve, trainer_module  # noqa: E402


def split_show(args):
    """→ (the arguments without --show [FIELD], None without --show / "" for the whole run / the FIELD)."""
    if "--show" not in args:
        return args, None
    i = args.index("--show")
    if i + 1 < len(args) and not args[i + 1].startswith("-"):
        return args[:i] + args[i + 2:], args[i + 1]
    return args[:i] + args[i + 1:], ""


def field_of(run, dotted):
    value = run
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            raise ConfigError(f"--show {dotted}: the run has no '{part}' there")
        value = value[part]
    return value


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return
    config, (overrides, show) = args[0], split_show(args[1:])
    try:
        run = resolve(config, overrides)
        if show is not None:
            value = field_of(run, show) if show else run
            print(json.dumps(value, indent=1) if isinstance(value, (dict, list)) else value)
            return
    except ConfigError as e:
        raise SystemExit(f"run.py: {e}") from None
    trainer_module(run["trainer"]).main(run["argv"])


if __name__ == "__main__":
    main()
