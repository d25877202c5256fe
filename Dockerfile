# syntax=docker/dockerfile:1
# Build stage: full dependencies, compile TypeScript.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Runtime stage: production dependencies, compiled code, TwiML, the interview definitions and the console's assets.
FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY twiml ./twiml
COPY src/interview/definitions ./dist/src/interview/definitions
# The console's stylesheet, script and icon, served from src/console/assets under the project root.
COPY src/console/assets ./src/console/assets
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
CMD ["node", "dist/src/main.js"]
