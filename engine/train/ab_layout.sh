#!/usr/bin/env bash
# Issue 23's A/B: does the layout input teach shapes? Two arms from the shipped pack, same data, seed, flags and wall
# time, run side by side (one thread each, so they share the machine's noise):
#   A  today's recipe (constant lr, the pack's draw weights)
#   B  the same plus the layout input (--layout)
# then each arm's EMA is exported to a pack and scored on 48 held-out prompts, with and without the layout input.
#
#   MINUTES=45 bash engine/train/ab_layout.sh       # needs runs/dit (recover_pack.py) and runs/latents with tracks
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-/usr/bin/python3}
MINUTES=${MINUTES:-45}
RUNS=${RUNS:-runs}
N=${N:-48}
FLAGS=(--latents "$RUNS/latents" --vae "$RUNS/vae-dec" --lr 1e-4 --warmup 100 --seed 47 --translation-weight 3
       --multi-object-weight 1.5 --minutes "$MINUTES" --threads 1 --snapshot-every 100000)

for arm in A B; do
  mkdir -p "$RUNS/ab$arm"
  [ -f "$RUNS/ab$arm/ckpt.pt" ] || cp "$RUNS/dit/ckpt.pt" "$RUNS/ab$arm/ckpt.pt"
done
$PY engine/train/train_dit.py "${FLAGS[@]}" --out "$RUNS/abA" > "$RUNS/abA/stdout.log" 2>&1 &
armA=$!
$PY engine/train/train_dit.py "${FLAGS[@]}" --out "$RUNS/abB" --layout --port 29518 > "$RUNS/abB/stdout.log" 2>&1 &
armB=$!
wait "$armA" "$armB"

for arm in A B; do
  $PY engine/train/export.py --vae "$RUNS/vae-dec" --dit "$RUNS/ab$arm" --out "$RUNS/pack$arm"
done
npx tsx engine/eval/cli.ts --n "$N" --model "$RUNS/packA" --no-floor --no-vae --json "$RUNS/evalA.json" | tee "$RUNS/evalA.txt"
npx tsx engine/eval/cli.ts --n "$N" --model "$RUNS/packB" --no-floor --no-vae --json "$RUNS/evalB.json" | tee "$RUNS/evalB.txt"
npx tsx engine/eval/cli.ts --n "$N" --model "$RUNS/packB" --no-floor --no-vae --no-layout --json "$RUNS/evalB-off.json" \
  | tee "$RUNS/evalB-off.txt"
for arm in A B; do
  $PY engine/train/shape_twin.py --dit "$RUNS/ab$arm" --vae "$RUNS/vae-dec" --latents "$RUNS/latents" --n "$N" \
    | tee "$RUNS/twin$arm.txt"
done
