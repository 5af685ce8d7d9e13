# syntax=docker/dockerfile:1
# Pagewise: multi-stage build. Native modules (better-sqlite3, hnswlib-node) are compiled in the build stage, the
# client is built there too, then everything the server never loads is removed (scripts/prune-runtime.mjs: dev
# and client-only packages, the browser build of ONNX Runtime, other systems' binaries, build leftovers). The
# runtime stage is Debian slim with the build stage's Node binary only (no npm, no headers): the same Debian
# release as the build stage, so the native modules find the same libraries.

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
COPY patches patches
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY shared shared
COPY server server
COPY client client
COPY scripts scripts
COPY tsconfig.json ./
RUN node scripts/ensure-client.mjs \
 && npm prune --omit=dev --no-audit --no-fund \
 && node scripts/prune-runtime.mjs --apply \
 && rm -rf client/src client/node_modules

FROM debian:bookworm-slim AS runtime
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && mkdir -p /data \
 && chown node:node /data
COPY --from=build /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/shared shared
COPY --from=build /app/server server
COPY --from=build /app/client/package.json client/package.json
COPY --from=build /app/client/dist client/dist
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "server/src/main.ts"]
