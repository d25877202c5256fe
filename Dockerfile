# syntax=docker/dockerfile:1
# Build stage: full dependencies, compile TypeScript.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The replay tools (src/replay) drive the protocol fakes; they compile with the service.
COPY tests/fakes ./tests/fakes
RUN npx tsc -p tsconfig.build.json

# Runtime stage: production dependencies, compiled code, TwiML and the interview definitions.
FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY twiml ./twiml
COPY src/interview/definitions ./dist/src/interview/definitions
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
CMD ["node", "dist/src/main.js"]
