# syntax=docker/dockerfile:1
# A render worker on the CPU (`npm run engine`): takes jobs from Redis, runs the model pack with onnxruntime-node,
# encodes with ffmpeg and writes clips to the store. Run as many as you have cores for (compose.yaml: SORA_ENGINES).
#
#   docker build -f docker/engine.Dockerfile -t sora-engine .   # from the repository root
#
# onnxruntime-node's CPU binaries ship inside the npm package: its install step (which downloads CUDA libraries and
# needs network) is skipped. For a GPU see engine-cuda.Dockerfile.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/* \
 && ffmpeg -hide_banner -version | head -n 1

ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund \
 && find node_modules/onnxruntime-node/bin/napi-v6 -mindepth 2 -maxdepth 2 \
         ! -path "*/linux/$(node -p process.arch)" -exec rm -rf {} +

COPY tsconfig.json ./
COPY bin ./bin
COPY bot ./bot
COPY commands ./commands
COPY locales ./locales
# engine/ includes the shipped model pack, engine/models/default (~15 MB).
COPY engine ./engine

# Fail the build, not the first job, when the pack is missing or onnxruntime cannot load it on this platform.
RUN node_modules/.bin/tsx -e "import('./engine/pipeline/pack.ts').then(async (m) => { const p = await m.loadPack({ device: 'cpu' }); console.log('model pack loads:', p.dir); await p.release(); })"

RUN mkdir -p /app/data /data/clips && chown node:node /app/data /data/clips

USER node
# SORA_MODEL: mount another pack (optimum's ONNX diffusion layout) and point this at it.
# SORA_THREADS: intra-op threads per worker; 1 measured faster than 2 on a 2-core machine.
ENV SORA_MODEL=/app/engine/models/default \
    SORA_DEVICE=cpu \
    SORA_THREADS=1

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npm", "run", "engine"]
