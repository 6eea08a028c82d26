import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

import { precompress } from './vite-precompress.js';

// The API (apps/api) serves the built app from dist/ with an SPA fallback; in development Vite
// serves it and proxies the API and its documentation.
const apiTarget = `http://127.0.0.1:${process.env.COMMANDER_API_PORT ?? '8080'}`;

export default defineConfig({
  plugins: [react(), precompress()],
  server: {
    port: Number(process.env.COMMANDER_WEB_PORT ?? 5173),
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/documentation': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // React and Mantine make one ~350 kB (gzip) entry chunk; CodeMirror is split off and lazy.
    chunkSizeWarningLimit: 1500,
  },
});
