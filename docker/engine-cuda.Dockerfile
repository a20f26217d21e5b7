# syntax=docker/dockerfile:1
# A render worker on an NVIDIA GPU: the engine image on CUDA 12 + cuDNN 9, with onnxruntime-node's CUDA execution
# provider. Needs network at build time (npm, Ubuntu's apt and the onnxruntime CUDA download) and, to run, a host
# with the NVIDIA driver and the NVIDIA Container Toolkit (`docker run --gpus all …`, or compose's `gpu` profile).
#
#   docker build -f docker/engine-cuda.Dockerfile -t sora-engine-cuda .   # from the repository root
#
# linux/amd64 only: onnxruntime-node ships the CUDA provider for linux x64 alone. onnxruntime built for CUDA 12.x
# runs on any CUDA 12.x runtime and needs cuDNN 9, which the "cudnn" runtime images carry.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
ARG NODE_IMAGE=node:20-bookworm-slim

# Node 20 comes from the official image (its binaries are built for old glibc and run on Ubuntu as they are).
FROM ${NODE_IMAGE} AS node

FROM ${CUDA_IMAGE}
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && ffmpeg -hide_banner -version | head -n 1

# The same unprivileged user as the node images (uid/gid 1000), so the clips volume shared with the bot and the CPU
# engines has one owner. Ubuntu 24.04 images already use 1000 for "ubuntu": that account goes.
RUN if id -u ubuntu >/dev/null 2>&1; then userdel --remove ubuntu; fi \
 && if getent group ubuntu >/dev/null; then groupdel ubuntu; fi \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --create-home --shell /bin/bash node

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# package.json's allowScripts denies onnxruntime-node's install script (on CPU machines it would download CUDA
# libraries for nothing), so npm 11 and 12 do not run it: here it is run by hand with ONNXRUNTIME_NODE_INSTALL=cuda12
# (older npm that runs it anyway reads the same variable); then the CUDA provider must really be there.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci --omit=dev --no-audit --no-fund \
 && ort=node_modules/onnxruntime-node \
 && bin="$ort/bin/napi-v6/linux/x64" \
 && if [ ! -f "$bin/libonnxruntime_providers_cuda.so" ]; then \
      (cd "$ort" && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js); \
    fi \
 && test -f "$bin/libonnxruntime_providers_cuda.so" \
 && test -f "$bin/libonnxruntime_providers_shared.so" \
 && find "$ort/bin/napi-v6" -mindepth 2 -maxdepth 2 ! -path "*/linux/x64" -exec rm -rf {} +

COPY tsconfig.json ./
COPY bin ./bin
COPY bot ./bot
COPY commands ./commands
COPY locales ./locales
COPY engine ./engine

# No GPU at build time: load the pack on the CPU to prove node, onnxruntime and the pack work, and check that the
# CUDA provider library is where the engine looks for it.
RUN node_modules/.bin/tsx -e "import('./engine/pipeline/pack.ts').then(async (m) => { if (!m.cudaProviderInstalled()) throw new Error('CUDA provider missing'); const p = await m.loadPack({ device: 'cpu' }); console.log('model pack loads:', p.dir, '(CUDA provider installed)'); await p.release(); })"

RUN mkdir -p /app/data /data/clips && chown node:node /app/data /data/clips

USER node
ENV SORA_MODEL=/app/engine/models/default \
    SORA_DEVICE=cuda \
    SORA_THREADS=1

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npm", "run", "engine"]
