"""The parts of one DiT training run (engine/train/train_dit.py), one job a module:

  run_data     what the run trains on: model config, vocabulary, latents, layout tracks, caption targets, draw weights
  joint        the trained module (text encoder + DiT + caption head) and loading weights into it
  model_setup  growing a state's DiT, building the model, its EMA and the optimizer's parameter groups
  resume       the state file (or a cool-down branch's), weights, optimizer and data position restored from it
  batches      the shape and contents of one training batch
  step         the learning rate of a step, one optimisation step, the running loss for the log
  validation   held-out losses at fixed t and noise, and their log lines
  saving       the training state written to disk, and a snapshot model pack

These modules import engine/train's flat modules (dit, flow, latents, ...) by their plain names: train_dit.py puts
engine/train on sys.path before it imports them.
"""
