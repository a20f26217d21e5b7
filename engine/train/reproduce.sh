#!/usr/bin/env bash
# Reproduces the shipped model pack's recipe from nothing, run by run as its model card lists them
# (engine/models/default/README.md, "Data and compute"): shards → VAE → latents → DiT session 1 ‖ decoder fine-tune →
# DiT sessions 2–11 → ONNX pack → parity. Every training run is a config in engine/train/configs/shipped-pack/ (each
# session's file names what it changed and where it departs from the card), started with engine/train/run.py.
# Hours, not exactly: ~22 h on the 2-core CPU box (the card's ~21 h of training, then rendering and encoding), and
# not the same weights: today's renderer draws off-frame paths in every session's shards, data-parallel runs draw
# other batches, and the card's --minutes schedules are fixed steps here.
#
#   bash engine/train/reproduce.sh                                            # the whole recipe
#   VAE_STEPS=500 DIT_STEPS=200 CLIPS=600 bash engine/train/reproduce.sh      # a quick end-to-end check (DEC_STEPS=600
#                                                                             # too, or it waits for the decoder's 6000)
#   DIT_STEPS=60000 bash engine/train/reproduce.sh     # the recipe, then the last session's cosine stretched to 60000
#
# Every stage resumes: re-running after an interruption continues where it stopped. Shards are rendered (and encoded
# to latents with the frozen encoder) when a session trains on other clips than the last one; a marker file (SHARDS)
# in $DATA and in $RUNS/latents says which clips they hold. Each DiT session starts from the previous one's EMA
# weights with a fresh optimizer (slim_ckpt.py), as each of the card's sessions started from the previous pack
# (recover_pack.py); the EMA weights that session N ended with are kept as $RUNS/dit/session-NN.pt.
#
# runs/ lost (a new machine)? Rebuild the checkpoints from the shipped pack and resume from there instead of from
# nothing: python3 engine/train/recover_pack.py --dit-step <card's DiT step> --vae-step <card's VAE step>, then go on
# with the continuation below.
#
# On a GPU machine the DiT stage has its own script with more data and a large batch: engine/train/gpu_stage.sh.
#
# Going on from the shipped pack (issue 23; constant lr, each export a cool-down branch that leaves the state as it
# is), after recover_pack.py: the continuation's clips (engine/train/configs/continue.json) as latents with tracks,
#   npx tsx engine/synth/cli.ts --out data/shards --clips 24000 --heldout 256 --seed 12
#   rm -f runs/latents/stats.json   # else encode_latents.py keeps latents of other clips of the same count
#   python3 engine/train/encode_latents.py --vae runs/vae --data data/shards --out runs/latents
#   npx tsx engine/synth/layout-cli.ts --latents runs/latents
# then
#   python3 engine/train/run.py engine/train/configs/continue.json --minutes M   # continue-layout.json: with layout
#   python3 engine/train/run.py engine/train/configs/cooldown.json               # 150 steps to lr 0, a pack of them
#   python3 engine/train/export.py --vae runs/vae-dec --dit runs/cool --out engine/models/default
# The state (runs/dit/ckpt.pt, or --state FILE) is replaced in place every 5 minutes and resumes exactly.
#
# Knobs (environment): CLIPS, SEED, HELDOUT replace every config's shards; VAE_STEPS, DEC_STEPS, VAE_BATCH,
# VAE_DETAIL the VAE runs' settings; DIT_STEPS ends the recipe at that DiT step (beyond its end: the last session goes
# on to it); DIT_LR, DIT_BATCH replace every DiT session's; threads and processes: VAE_THREADS, DIT_THREADS, DIT_PROCS.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-/usr/bin/python3}
DATA=${DATA:-data/shards}
RUNS=${RUNS:-runs}
OUT=${OUT:-engine/models/default}
CONFIGS=engine/train/configs/shipped-pack
VAE_THREADS=${VAE_THREADS:-2}          # convolutions scale to 2 threads here
DIT_THREADS=${DIT_THREADS:-1}          # this DiT ran faster on 1 thread than on 2 (measured on the 2-core box)
DIT_PROCS=${DIT_PROCS:-2}              # after the decoder is done: two 1-thread data-parallel processes, 0.9 s/step
                                       # against 1.9 s for one
SNAPSHOT_EVERY=${SNAPSHOT_EVERY:-500}
DIT_STEPS=${DIT_STEPS:-${DIT_MORE_STEPS:-0}}   # DIT_MORE_STEPS: this knob's earlier name; 0: the recipe's own end
SESSIONS=(dit-session-01 dit-session-02 dit-session-03 dit-session-04 dit-session-05 dit-session-06 dit-session-07
          dit-session-08 dit-session-09 dit-session-10 dit-session-11)

run() { $PY engine/train/run.py "$@"; }

# Optional overrides: each knob that is set becomes the trainer flag beside it.
VAE_FLAGS=(${VAE_BATCH:+--batch "$VAE_BATCH"} ${VAE_DETAIL:+--detail "$VAE_DETAIL"})
DIT_FLAGS=(--latents "$RUNS/latents" --vae "$RUNS/vae-dec" --out "$RUNS/dit" --threads "$DIT_THREADS"
           --snapshot-every "$SNAPSHOT_EVERY" ${DIT_LR:+--lr "$DIT_LR"} ${DIT_BATCH:+--batch "$DIT_BATCH"})

# "CLIPS SEED HELDOUT" of the shards a config trains on; the environment's CLIPS, SEED, HELDOUT win.
shards_of() {
  run "$1" --show shards | $PY -c 'import json, os, sys
s = {"heldout": 256, **json.load(sys.stdin)}
print(*(os.environ.get(k.upper()) or s[k] for k in ("clips", "seed", "heldout")))'
}

wait_decoder() { if [ -n "${decoder:-}" ]; then wait "$decoder"; decoder=; fi; }

# Renders the shards into $DATA unless it already holds exactly these.
ensure_shards() {
  local spec="clips=$1 seed=$2 heldout=$3"
  if [ "$(cat "$DATA/SHARDS" 2>/dev/null)" = "$spec" ]; then echo "   $DATA holds $spec: kept"; return; fi
  mkdir -p "$DATA"
  rm -f "$DATA/SHARDS"
  npx tsx engine/synth/cli.ts --out "$DATA" --clips "$1" --heldout "$3" --seed "$2"
  echo "$spec" > "$DATA/SHARDS"
}

# Encodes $DATA with the frozen encoder into $RUNS/latents, with the object tracks for the layout input, unless it
# already holds them. An encode of the same clips resumes; other clips start over (encode_latents.py would take
# clips of the same count for done).
ensure_latents() {
  local spec; spec=$(cat "$DATA/SHARDS")
  mkdir -p "$RUNS/latents"
  if [ "$(cat "$RUNS/latents/SHARDS" 2>/dev/null)" = "$spec" ]; then echo "   $RUNS/latents holds $spec: kept"; return; fi
  if [ "$(cat "$RUNS/latents/SHARDS.partial" 2>/dev/null)" != "$spec" ]; then
    rm -f "$RUNS/latents/stats.json"
    echo "$spec" > "$RUNS/latents/SHARDS.partial"
  fi
  $PY engine/train/encode_latents.py --vae "$RUNS/vae" --data "$DATA" --out "$RUNS/latents" --threads "$VAE_THREADS"
  npx tsx engine/synth/layout-cli.ts --latents "$RUNS/latents"
  mv "$RUNS/latents/SHARDS.partial" "$RUNS/latents/SHARDS"
}

echo "== 1/6 synthetic shards (the VAE's and DiT session 1's)"
spec=$(shards_of "$CONFIGS/vae.json")
ensure_shards $spec

echo "== 2/6 VAE ($CONFIGS/vae.json)"
run "$CONFIGS/vae.json" --data "$DATA" --out "$RUNS/vae" --threads "$VAE_THREADS" ${VAE_STEPS:+--steps "$VAE_STEPS"} \
  "${VAE_FLAGS[@]}"

echo "== 3/6 latents and layout tracks"
ensure_latents

echo "== 4/6 DiT sessions ($CONFIGS/dit-session-*.json), session 1 beside the decoder fine-tune"
# The encoder is frozen from here on, so the latent space the DiT learns never moves; the decoder keeps sharpening
# small shapes on the other core. Each process uses one thread: two single-threaded jobs beat one two-threaded job
# on two cores, and neither stalls when the other is busy.
export OPENBLAS_NUM_THREADS=1
run "$CONFIGS/vae-decoder.json" --data "$DATA" --init "$RUNS/vae/ckpt.pt" --out "$RUNS/vae-dec" --threads 1 \
  ${DEC_STEPS:+--steps "$DEC_STEPS"} "${VAE_FLAGS[@]}" &
decoder=$!

start=0
last=$(( ${#SESSIONS[@]} - 1 ))
for i in "${!SESSIONS[@]}"; do
  name=${SESSIONS[$i]} cfg=$CONFIGS/${SESSIONS[$i]}.json
  end=$(run "$cfg" --show settings.steps)
  if [ "$DIT_STEPS" -gt 0 ]; then
    if [ "$start" -ge "$DIT_STEPS" ]; then break; fi
    if [ "$end" -gt "$DIT_STEPS" ] || [ "$i" -eq "$last" ]; then end=$DIT_STEPS; fi
  fi
  procs=$DIT_PROCS
  if [ "$i" -eq 0 ]; then procs=1; fi            # beside the decoder: one core each
  if [ "$i" -eq 1 ]; then wait_decoder; fi       # both cores free; the decoder's shards may be replaced now
  step=$($PY engine/train/state_step.py "$RUNS/dit/ckpt.pt")
  echo "-- $name: DiT step $start -> $end (state at $step)"
  if [ "$step" -ge "$end" ]; then start=$end; continue; fi
  if [ "$step" -lt "$start" ]; then
    echo "the DiT state is at step $step, before $name starts ($start): the previous session did not finish" >&2
    exit 1
  fi
  if [ "$start" -gt 0 ] && [ "$step" -eq "$start" ]; then
    # A fresh optimizer from the EMA weights, as each of the card's sessions began from the previous pack.
    $PY engine/train/slim_ckpt.py "$RUNS/dit/ckpt.pt" "$RUNS/dit/session-$(printf %02d "$i").pt"
    cp "$RUNS/dit/session-$(printf %02d "$i").pt" "$RUNS/dit/ckpt.pt"
  fi
  spec=$(shards_of "$cfg")
  ensure_shards $spec
  ensure_latents
  run "$cfg" "${DIT_FLAGS[@]}" --procs "$procs" --steps "$end"
  start=$end
done
wait_decoder

echo "== 5/6 export → $OUT"
$PY engine/train/export.py --vae "$RUNS/vae-dec" --dit "$RUNS/dit" --out "$OUT"

echo "== 6/6 parity (onnxruntime-node vs PyTorch)"
$PY engine/train/parity.py --vae "$RUNS/vae-dec" --dit "$RUNS/dit" --pack "$OUT"
