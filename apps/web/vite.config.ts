import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// `@chorus/source`: compile the workspace libraries (contracts, client) from their TypeScript sources.
// `npm run dev -w apps/web` proxies the API and the sockets to a running `npm start` (:8080).
export default defineConfig({
  plugins: [react()],
  resolve: {
    conditions: ['@chorus/source', ...defaultClientConditions],
    alias: { 'node:crypto': fileURLToPath(new URL('./src/lib/node-crypto-shim.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 300 },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
