# syntax=docker/dockerfile:1

# One image for the three Keel processes (see docker-compose.yml):
#   node dist/main.js      the API (HTTP + socket.io)
#   node dist/worker.js    the worker (outbox relay, search-index queue, reindex jobs)
#   node dist/migrate.js   runs the pending migrations and exits

# ---- toolchain: what the native modules (better-sqlite3, argon2) compile with ------------------
FROM node:20-bookworm-slim AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# ---- build: every dependency (TypeScript, Nest CLI), then compile src/ and migrations/ ----------
FROM toolchain AS build
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- prod-deps: the production dependencies only, installed from the lockfile ------------------
FROM toolchain AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# ---- runtime: compiled app + production dependencies, no compiler, run as a non-root user ------
# Same base image as the stages above, so the compiled native modules match its libc and Node ABI.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# DATA_DIR (./data) holds the SQLite file when DATABASE_URL is unset: writable by the runtime
# user, while the code stays owned by root.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Liveness of the API with Node itself (the image has no curl). The worker has no HTTP: compose
# turns this check off for it and for the one-shot migrate service.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (graceful shutdown, see docs/operations.md).
CMD ["node", "dist/main.js"]
