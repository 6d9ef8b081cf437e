# syntax=docker/dockerfile:1
# Agent assist service. Build: docker build -t cxone-agent-assist .   (the last stage, `runtime`)
# The standalone CXone simulator is a separate target, for local stacks only (see docker-compose.yml):
#   docker build --target simulator -t cxone-sim .
# The service image holds neither the simulator nor the sandbox (they serve development only).

# ---- build: full install, compile, then drop the dev dependencies ----
FROM node:22-slim AS build
# better-sqlite3 is a native addon: a prebuilt binary is fetched when one exists for this Node/arch,
# otherwise node-gyp compiles it, which needs these.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# What production runs: no simulator code or data, no sandbox (main.ts loads those only in sandbox mode,
# which production refuses).
RUN cp -r dist dist-production && rm -rf dist-production/simulator dist-production/sandbox

# ---- simulator: the in-repo CXone stand-in, for docker compose and demos ----
FROM node:22-slim AS simulator
ENV NODE_ENV=development
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
CMD ["node","dist/simulator/main.js"]

# ---- runtime: compiled code and production dependencies only ----
FROM node:22-slim AS runtime
# Configuration comes from the orchestrator's environment, never from a .env file in the image.
ENV NODE_ENV=production IGNORE_ENV_FILE=true FEEDBACK_STORE_PATH=/data
WORKDIR /app
# Application files stay owned by root (read-only for the service); only /data is writable by `node`.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist-production ./dist
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# slim has no curl: probe liveness with node's own fetch.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM directly; main.ts drains and exits 0 on SIGTERM/SIGINT.
# (`docker run --init` / compose `init: true` adds tini if child-process reaping is ever needed.)
CMD ["node","dist/main.js"]
