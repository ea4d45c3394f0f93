# syntax=docker/dockerfile:1
# The web client (apps/web) as static files in nginx:
#   docker build -f deploy/docker/web.Dockerfile -t chorus-web .
# (build context = repository root). On its own (Kubernetes, behind the Ingress) it serves the SPA on
# :8080 with deploy/nginx/web.conf; docker-compose's edge runs this same image with
# deploy/nginx/chorus.conf mounted over that config, so one nginx routes the API and serves the client.
ARG NODE_IMAGE=node:20-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/runtime/package.json libs/runtime/
COPY libs/client/package.json libs/client/
COPY services/gateway/package.json services/gateway/
COPY services/membership/package.json services/membership/
COPY services/history/package.json services/history/
COPY apps/web/package.json apps/web/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs/contracts/ libs/contracts/
COPY libs/client/ libs/client/
COPY apps/web/ apps/web/
# Vite compiles the workspace libraries from source (the @chorus/source condition in vite.config.ts).
RUN cd apps/web && node ../../node_modules/vite/bin/vite.js build

FROM nginx:1.27-alpine AS runtime
COPY deploy/nginx/web.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/apps/web/dist /usr/share/chorus/web
EXPOSE 8080
