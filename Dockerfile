# Stampede: one image for the server and the workers.
#
#   docker build -t stampede .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=… -e REDIS_URL=… stampede            # server
#   docker run --rm -e DATABASE_URL=… -e REDIS_URL=… stampede node --import tsx workers/src/main.ts
#
# TypeScript runs through tsx (no server build step); only the Svelte client is built. Three
# stages keep the final image free of the dev toolchain (TypeScript, Vite, ESLint, …):
#   build  – all dependencies, `npm run build` → client/dist
#   deps   – production dependencies only
#   final  – deps + sources + client/dist, running as the unprivileged `node` user
#
# Install scripts: package.json's "allowScripts" allows only esbuild's, so every stage installs
# with --ignore-scripts and then runs esbuild's alone (`npm rebuild esbuild`).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Manifests first, so the dependency layer is cached until they change.
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY workers/package.json workers/
COPY client/package.json client/
RUN npm ci --ignore-scripts && npm rebuild esbuild
COPY . .
RUN npm run build && test -f client/dist/index.html

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY workers/package.json workers/
COPY client/package.json client/
# The start commands need tsx at run time: fail the build here, not at the first start.
RUN npm ci --omit=dev --ignore-scripts && npm rebuild esbuild \
    && test -x node_modules/.bin/tsx \
    && npm cache clean --force

FROM ${NODE_IMAGE} AS final
WORKDIR /app
# HOST=0.0.0.0: inside a container the server must listen beyond loopback to be reachable.
# NODE_ENV is deliberately not set here: it decides whether the development secrets are
# accepted, which is the deployment's choice (docker-compose.yml explains its own).
ENV HOST=0.0.0.0 \
    PORT=3000
# Files stay owned by root and read-only for the app user: the app never writes its own code.
COPY package.json package-lock.json tsconfig*.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY shared ./shared
COPY server ./server
COPY workers ./workers
COPY client/package.json ./client/
COPY --from=build /app/client/dist ./client/dist
USER node
EXPOSE 3000
# node runs the server directly rather than through `npm run start:server` (the same command
# without npm in between): npm passes SIGTERM to a `sh -c` wrapper that dies and leaves the app
# running without the signal, so `docker stop` would kill it mid-request instead of letting it
# drain. Keep this in step with the start:server / start:workers scripts in package.json.
CMD ["node", "--import", "tsx", "server/src/main.ts"]
