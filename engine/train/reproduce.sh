#!/usr/bin/env bash
# Reproduces the shipped model pack from nothing: synthetic shards → VAE → latents → (DiT ‖ decoder fine-tune) →
# ONNX pack → parity.
# Every stage resumes: re-running after an interruption continues where it stopped (shards are only synthesized
# when absent; training scripts pick up runs/*/ckpt.pt).
#
#   bash engine/train/reproduce.sh                      # defaults below
#   VAE_STEPS=500 DIT_STEPS=200 CLIPS=600 bash engine/train/reproduce.sh   # a quick end-to-end check
#
# runs/ lost (a new machine)? Rebuild the checkpoints from the shipped pack and resume from there instead of from
# nothing: python3 engine/train/recover_pack.py --dit-step <card's DiT step> --vae-step <card's VAE step>, then
# stages 1 and 3 (shards, latents: the recovered encoder gives the same latents) and stage 4 with a larger DIT_STEPS.
#
# On a GPU machine the DiT stage has its own script with more data and a large batch: engine/train/gpu_stage.sh.
#
# Going on from the committed training state (issue 23; weights, EMA, fp16 Adam moments, step, data position: the run
# resumes exactly, no warm-up): stages 1 and 3 with CLIPS=24000 SEED=12 (and recover_pack.py for runs/vae-dec), then
#   npx tsx engine/synth/layout-cli.ts --latents runs/latents
#   python3 engine/train/train_dit.py --latents runs/latents --vae runs/vae-dec --out runs/dit \
#     --state engine/train/state/dit-state.pt --lr 1e-4 --seed 47 --translation-weight 3 --multi-object-weight 1.5 \
#     [--layout] --minutes M            # the state is replaced in place every 5 minutes; commit it once a session
# and for a pack, a cool-down branch that leaves the state as it is:
#   python3 engine/train/train_dit.py ...same flags... --cooldown 150 --cooldown-out runs/cool --cooldown-weights live
#   python3 engine/train/export.py --vae runs/vae-dec --dit runs/cool --out engine/models/default
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-/usr/bin/python3}
DATA=${DATA:-data/shards}
RUNS=${RUNS:-runs}
OUT=${OUT:-engine/models/default}
CLIPS=${CLIPS:-12000}
HELDOUT=${HELDOUT:-256}
SEED=${SEED:-1}
VAE_STEPS=${VAE_STEPS:-1500}
VAE_DETAIL=${VAE_DETAIL:-8}            # extra loss weight on shapes and edges: small objects otherwise blur away
DEC_STEPS=${DEC_STEPS:-6000}           # decoder-only fine-tune, run beside the DiT on the second core
VAE_BATCH=${VAE_BATCH:-64}
VAE_THREADS=${VAE_THREADS:-2}          # convolutions scale to 2 threads here
DIT_STEPS=${DIT_STEPS:-3000}           # shipped pack: 2418 steps of this schedule, then restarts to 5300, 10800, 15096, 18717, 23000, 26956, 31372, 35053, 39896 and 45728 (model card)
DIT_LR=${DIT_LR:-8e-4}
DIT_BATCH=${DIT_BATCH:-32}
DIT_THREADS=${DIT_THREADS:-1}          # this DiT ran faster on 1 thread than on 2 (measured on the 2-core box)
DIT_MORE_STEPS=${DIT_MORE_STEPS:-0}    # after the decoder is done: go on to this step with DIT_PROCS processes
DIT_PROCS=${DIT_PROCS:-2}              # two 1-thread data-parallel processes: 0.9 s/step against 1.9 s for one
SNAPSHOT_EVERY=${SNAPSHOT_EVERY:-500}

echo "== 1/6 synthetic shards ($CLIPS clips, $HELDOUT held out, seed $SEED)"
if ls "$DATA"/train/*.bin >/dev/null 2>&1; then
  echo "   $DATA/train already has shards: kept (delete it to re-synthesize)"
else
  npx tsx engine/synth/cli.ts --out "$DATA" --clips "$CLIPS" --heldout "$HELDOUT" --seed "$SEED"
fi

echo "== 2/6 VAE ($VAE_STEPS steps, batch $VAE_BATCH)"
$PY engine/train/train_vae.py --data "$DATA" --out "$RUNS/vae" --steps "$VAE_STEPS" --batch "$VAE_BATCH" \
  --threads "$VAE_THREADS" --detail "$VAE_DETAIL"

echo "== 3/6 latents"
$PY engine/train/encode_latents.py --vae "$RUNS/vae" --data "$DATA" --out "$RUNS/latents" --threads "$VAE_THREADS"

echo "== 3b/6 object tracks for the layout input (engine/synth/layout-cli.ts)"
npx tsx engine/synth/layout-cli.ts --latents "$RUNS/latents"

echo "== 4/6 DiT + text encoder ($DIT_STEPS steps, batch $DIT_BATCH), and beside it the decoder alone ($DEC_STEPS steps)"
# The encoder is frozen from here on, so the latent space the DiT learns never moves; the decoder keeps sharpening
# small shapes on the other core. Each process uses one thread: two single-threaded jobs beat one two-threaded job
# on two cores, and neither stalls when the other is busy.
export OPENBLAS_NUM_THREADS=1
$PY engine/train/train_vae.py --data "$DATA" --init "$RUNS/vae/ckpt.pt" --freeze-encoder --out "$RUNS/vae-dec" \
  --steps "$DEC_STEPS" --lr 4e-4 --warmup 50 --batch "$VAE_BATCH" --detail "$VAE_DETAIL" --threads 1 &
decoder=$!
$PY engine/train/train_dit.py --latents "$RUNS/latents" --vae "$RUNS/vae-dec" --out "$RUNS/dit" --steps "$DIT_STEPS" \
  --batch "$DIT_BATCH" --lr "$DIT_LR" --threads "$DIT_THREADS" --snapshot-every "$SNAPSHOT_EVERY" --schedule cosine
wait "$decoder"
if [ "$DIT_MORE_STEPS" -gt "$DIT_STEPS" ]; then
  # Resuming with a later end stretches the cosine to it: the learning rate rises again (a warm restart).
  echo "== 4b/6 DiT on to step $DIT_MORE_STEPS with $DIT_PROCS processes (both cores are free now)"
  $PY engine/train/train_dit.py --latents "$RUNS/latents" --vae "$RUNS/vae-dec" --out "$RUNS/dit" --steps "$DIT_MORE_STEPS" \
    --batch "$DIT_BATCH" --lr "$DIT_LR" --threads "$DIT_THREADS" --procs "$DIT_PROCS" --snapshot-every "$SNAPSHOT_EVERY" \
    --schedule cosine
fi

echo "== 5/6 export → $OUT"
$PY engine/train/export.py --vae "$RUNS/vae-dec" --dit "$RUNS/dit" --out "$OUT"

echo "== 6/6 parity (onnxruntime-node vs PyTorch)"
$PY engine/train/parity.py --vae "$RUNS/vae-dec" --dit "$RUNS/dit" --pack "$OUT"
