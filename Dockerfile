# syntax=docker/dockerfile:1
# One image for every `cnam` command: `docker run <image>` runs the worker, `docker run <image> serve` the API,
# `docker run <image> setup` registers the search attributes. Built and run by docker-compose.yml.
# Debian (glibc), not Alpine: @temporalio/core-bridge ships its native module for glibc.
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Every dependency, then `npm run build`: tsc into dist/ and the prebuilt workflow bundle dist/workflow-bundle.js.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci` (see .ci/run). --ignore-scripts: the project's `prepare` would build before the
# sources are copied (they come after, so this layer stays cached); dependencies' install scripts (esbuild,
# @swc/core, protobufjs) only check their binaries, and npm 11 skips them anyway.
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-workflow-bundle.ts scripts/
COPY src/ src/
RUN npm run build

# 2. Production dependencies only, installed apart so nothing of the build's node_modules (dev tools, caches) leaks in.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm install --omit=dev --no-audit --no-fund --ignore-scripts

# 3. The runtime: package.json (the CLI reads its version), bin/, dist/ and production node_modules; no src/,
# so bin/cnam.js always runs the compiled dist/ (it falls back to src/ through tsx only when src/ exists).
FROM ${NODE_IMAGE}
ARG NODE_IMAGE
LABEL org.opencontainers.image.title="cnam-orchestrator" \
      org.opencontainers.image.description="Durable, Temporal-based provisioning of outbound caller-ID names (CNAM) at Flowroute and Twilio" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules/ node_modules/
COPY bin/ bin/
COPY --from=build /app/dist/ dist/
# The provider emulators for compose's `sandbox` profile (dev tooling, not part of the CLI). They import nothing
# from src/, only production dependencies, and run from source through tsx (a production dependency):
#   node --import tsx dev/sandbox/cli.ts
# dev/ is not src/, so bin/cnam.js still runs dist/.
COPY dev/sandbox/ dev/sandbox/
# Files stay root-owned (read-only to the process); the base image's unprivileged `node` user runs it.
USER node
# No HEALTHCHECK here: the same image runs one-shot commands (setup) and the sandbox; compose checks the
# worker's /readyz (CNAM_HEALTH_PORT) and the API's /readyz per service. Nothing to EXPOSE by default:
# the API, health and metrics ports are chosen by environment.
ENTRYPOINT ["node", "bin/cnam.js"]
CMD ["worker"]
