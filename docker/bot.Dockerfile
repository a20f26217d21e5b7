# syntax=docker/dockerfile:1
# The chat side of sora-bot: the Discord and Slack adapters and the web playground (`npm run bot`, port 8080).
# It only enqueues jobs and posts results; rendering happens in the engine image (engine.Dockerfile).
#
#   docker build -f docker/bot.Dockerfile -t sora-bot .        # from the repository root
#
# No ffmpeg and no GPU libraries here. onnxruntime-node comes along because it is a production dependency; its
# install step (which would download CUDA libraries) is skipped and only the linux binaries for this CPU are kept.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}

# tini as PID 1 forwards SIGTERM to npm, which forwards it to the bot, so `docker stop` shuts down cleanly.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, so that editing the source does not reinstall them; `npm ci` installs exactly the lock file.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund \
 && find node_modules/onnxruntime-node/bin/napi-v6 -mindepth 2 -maxdepth 2 \
         ! -path "*/linux/$(node -p process.arch)" -exec rm -rf {} +

# The source runs through tsx (a production dependency): there is no build step.
COPY tsconfig.json ./
COPY bin ./bin
COPY bot ./bot
COPY commands ./commands
COPY engine ./engine
COPY locales ./locales

# Writable places for the unprivileged user: ./data (the fs store's default) and /data/clips (the clip bytes shared
# with the engines in compose.yaml). Everything else stays root-owned and read-only to the app.
RUN mkdir -p /app/data /data/clips && chown node:node /app/data /data/clips

USER node
# The playground binds 127.0.0.1 by default (it has no login); in a container the published port must reach it.
ENV PORT=8080 HOST=0.0.0.0
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npm", "run", "bot"]
