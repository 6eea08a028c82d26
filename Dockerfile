# One image for every Commander process (API + web UI, cluster manager, simulated dhctl).
# The command picks the process; see docker-compose.yml.
FROM node:20-bookworm-slim
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile && pnpm --filter @commander/web exec vite build
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
EXPOSE 8080
CMD ["node_modules/.bin/tsx", "apps/api/src/main.ts"]
