"""Run configs: a training run as one JSON file (engine/train/configs/), started by engine/train/run.py.

  {
    "about": "what this run is for, where it comes from (free text, for people)",
    "extends": "dit-session-01.json",
    "trainer": "dit",
    "shards": {"clips": 24000, "seed": 2, "heldout": 256},
    "settings": {"steps": 31372, "lr": 3e-4, "translation-weight": 2, "layout": false}
  }

- "trainer": "dit" (engine/train/train_dit.py) or "vae" (engine/train/train_vae.py).
- "settings": the trainer's command-line flags, spelled as on its command line without the leading "--". A switch
  takes true or false; null means the trainer's default. Paths are relative to where the run is started (the
  repository root, as in every command of the README).
- "shards": the rendered clips the run trains on (engine/synth/cli.ts --clips --seed --heldout); the trainer reads
  its shards or latents from a path in "settings", so this is what engine/train/reproduce.sh renders before it.
- "extends": another config, relative to this file's folder; this one's "shards" and "settings" replace its values
  key by key, "trainer" is inherited, "about" is not.

Every key is checked when the file is read: an unknown one is an error that names the file and the key (a typo in
a config must not silently train with the default). JSON because Python's standard library reads it: no dependency.
"""
import difflib
import importlib
import json
import os

TRAINERS = {"dit": "train_dit", "vae": "train_vae"}   # trainer name → module with build_parser() and main(argv)
TOP_KEYS = ("about", "extends", "trainer", "shards", "settings")
SHARD_KEYS = {"clips": int, "seed": int, "heldout": int}


class ConfigError(ValueError):
    """A config that cannot run; the message names the file and the key."""


def _unknown(source, where, key, known):
    near = difflib.get_close_matches(key.replace("_", "-"), known, n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    raise ConfigError(f"{source}: unknown key '{key}' in {where}{hint}; known: {', '.join(sorted(known))}")


def _read_json(path):
    try:
        with open(path) as f:
            cfg = json.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON: {e}") from None
    if not isinstance(cfg, dict):
        raise ConfigError(f"{path}: a config is a JSON object")
    for key in cfg:
        if key not in TOP_KEYS:
            _unknown(path, "the config", key, TOP_KEYS)
    for key in ("shards", "settings"):
        if not isinstance(cfg.get(key, {}), dict):
            raise ConfigError(f"{path}: '{key}' must be an object")
    for key, value in cfg.get("shards", {}).items():
        if key not in SHARD_KEYS:
            _unknown(path, "shards", key, SHARD_KEYS)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{path}: shards.{key} must be an integer, got {value!r}")
    return cfg


def read_config(path, _seen=()):
    """The config at `path` with everything it extends merged in → {"path", "about", "trainer", "shards",
    "settings"}. Settings are not checked against the trainer here: settings_argv() does that."""
    path = os.path.abspath(path)
    if path in _seen:
        raise ConfigError(f"{path}: 'extends' goes round in a circle")
    cfg = _read_json(path)
    merged = {"trainer": None, "shards": {}, "settings": {}}
    if "extends" in cfg:
        parent = read_config(os.path.join(os.path.dirname(path), cfg["extends"]), _seen + (path,))
        merged.update(trainer=parent["trainer"], shards=dict(parent["shards"]), settings=dict(parent["settings"]))
    merged["trainer"] = cfg.get("trainer", merged["trainer"])
    merged["shards"].update(cfg.get("shards", {}))
    merged["settings"].update(cfg.get("settings", {}))
    if merged["trainer"] not in TRAINERS:
        raise ConfigError(f"{path}: 'trainer' must be one of {', '.join(TRAINERS)} (here or in a config it extends), "
                          f"got {merged['trainer']!r}")
    return {"path": path, "about": cfg.get("about", ""), **merged}


def trainer_module(name):
    """The trainer's module (imported on demand: it pulls in torch)."""
    return importlib.import_module(TRAINERS[name])


def flag_actions(parser):
    """flag name without "--" → its argparse action, for every option of the trainer's parser but --help."""
    out = {}
    for action in parser._actions:
        for s in action.option_strings:
            if s.startswith("--") and s != "--help":
                out[s[2:]] = action
    return out


def _is_switch(action):
    return action.nargs == 0      # store_true / store_false: present or absent


def settings_argv(parser, settings, source):
    """The settings as the trainer's command-line tokens. Each key must be one of its flags and each value fit the
    flag (type, choices); otherwise ConfigError naming `source` and the key."""
    actions = flag_actions(parser)
    argv = []
    for key, value in settings.items():
        action = actions.get(key)
        if action is None:
            _unknown(source, "settings", key, actions)
        if value is None:                              # the trainer's default
            continue
        flag = "--" + key
        if _is_switch(action):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: settings.{key} is a switch: true or false, got {value!r}")
            if value:
                argv.append(flag)
            continue
        if isinstance(value, (bool, list, dict)):
            raise ConfigError(f"{source}: settings.{key} takes one value, got {value!r}")
        text = str(value)
        try:
            parsed = action.type(text) if action.type is not None else text
        except (TypeError, ValueError):
            kind = getattr(action.type, "__name__", "value")
            raise ConfigError(f"{source}: settings.{key}: {value!r} is not a valid {kind}") from None
        if action.choices is not None and parsed not in action.choices:
            raise ConfigError(f"{source}: settings.{key} must be one of {', '.join(map(str, action.choices))}, "
                              f"got {value!r}")
        argv += [flag, text]
    return argv


def resolve(path, overrides=()):
    """A config plus command-line overrides (the trainer's own flags, which win over the config's settings) →
    {"config", "about", "trainer", "shards", "argv" (the trainer's full command line), "settings" (every
    flag's value the run will see, defaults included, by its config spelling)}. Raises ConfigError for a bad config;
    a bad override is argparse's error."""
    cfg = read_config(path)
    parser = trainer_module(cfg["trainer"]).build_parser()
    argv = settings_argv(parser, cfg["settings"], cfg["path"]) + list(overrides)
    ns = parser.parse_args(argv)
    settings = {name: getattr(ns, action.dest) for name, action in flag_actions(parser).items()}
    return {"config": cfg["path"], "about": cfg["about"], "trainer": cfg["trainer"], "shards": cfg["shards"],
            "argv": argv, "settings": settings}
