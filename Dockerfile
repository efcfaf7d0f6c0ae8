# One image for both processes: `node dist/apps/api/src/main.js` (API, the default) or
# `node dist/apps/worker/src/main.js` (worker). PostgreSQL and Redis come from DATABASE_URL and REDIS_URL:
# the image never starts embedded ones (they are for a laptop; NODE_ENV=production refuses EMBEDDED_SERVICES=true).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# swagger-ui-dist's install script reports usage to scarf.sh: not from our builds
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    EMBEDDED_SERVICES=false
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/apps/api/public apps/api/public
COPY package.json ./
COPY scripts/healthcheck.js scripts/healthcheck.js
USER node
EXPOSE 3000 3001
# Ready means PostgreSQL and Redis answer (GET /health/ready): the API's on PORT, a worker's on WORKER_HEALTH_PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/healthcheck.js"]
CMD ["node", "dist/apps/api/src/main.js"]
