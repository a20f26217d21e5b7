#!/usr/bin/env bash
# The DiT stage on a GPU machine: render many more clips than a CPU run could use, encode them on the GPU, and train
# the DiT on from runs/dit/ckpt.pt for about MINUTES minutes, in the background (setsid), logging to runs/dit/train.log.
#
#   python3 engine/train/recover_pack.py --dit-step <card's step> --vae-step <card's step>   # if runs/ is gone
#   MINUTES=25 CLIPS=100000 bash engine/train/gpu_stage.sh
#   python3 engine/train/slim_ckpt.py runs/dit/ckpt.pt out/dit-ema.pt   # EMA weights + what export.py reads
#
# Needs python3 with a CUDA torch, node (NODE=... for another binary; SYNTH=... for a bundled renderer) and
# runs/vae/ckpt.pt (the frozen encoder that made the shipped latents). Clips are rendered with one worker per core
# and deleted once encoded; CLIPS shrinks to what the disk holds.
#
# The lent GPU machine had PyTorch but no Node: carry a node binary (`xz -c $(which node) > .gpu/node.xz`) and the
# renderer bundled into one file (`npx esbuild engine/synth/cli.ts --bundle --platform=node --format=cjs
# --outfile=.gpu/synth.cjs`), then NODE=/tmp/node SYNTH="/tmp/node .gpu/synth.cjs". Bring the checkpoint home with
# slim_ckpt.py and export + commit the pack before anything else: a checkpoint left on that machine is lost with it.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-python3}
NODE=${NODE:-node}
SYNTH=${SYNTH:-"npx tsx engine/synth/cli.ts"}
WORK=${WORK:-/tmp/sora-gpu}
RUNS=${RUNS:-runs}
CLIPS=${CLIPS:-100000}
MINUTES=${MINUTES:-20}
BATCH=${BATCH:-512}
LR=${LR:-1e-3}
WARMUP=${WARMUP:-500}

mkdir -p "$WORK"
free_kb=$(df -k --output=avail "$WORK" | tail -1)
fit=$(( free_kb / 1024 * 1000 / 450 ))      # ~270 KB a clip on average; keep half the disk free
if [ "$CLIPS" -gt "$fit" ]; then echo "only room for $fit clips"; CLIPS=$fit; fi

echo "== shards: $CLIPS clips on $(nproc) workers"
$SYNTH --out "$WORK/shards" --clips "$CLIPS" --heldout 256 --seed 1 --workers "$(nproc)" | grep -v '^  '
echo "== latents"
$PY engine/train/encode_latents.py --vae "$RUNS/vae" --data "$WORK/shards" --out "$WORK/latents" --clips-per-batch 64
rm -rf "$WORK/shards"
echo "== DiT for about $MINUTES minutes, batch $BATCH, lr $LR (log: $RUNS/dit/train.log)"
# The run is engine/train/configs/gpu.json (the flags here override it). Its --vae points nowhere: no ONNX snapshot
# packs on the GPU box (export and evaluation run where the pack ships).
setsid nohup $PY engine/train/run.py engine/train/configs/gpu.json --latents "$WORK/latents" --out "$RUNS/dit" \
  --minutes "$MINUTES" --batch "$BATCH" --lr "$LR" --warmup "$WARMUP" > "$RUNS/dit/stdout.log" 2>&1 < /dev/null &
echo "trainer pid $!"
