# One image for both processes: `node dist/apps/api/src/main.js` (API) or `node dist/apps/worker/src/main.js` (worker).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/apps/api/public apps/api/public
COPY package.json ./
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]
