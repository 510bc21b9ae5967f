import { defineConfig } from 'vite';

// The console is served by openaml under /console/; the build lands in ../build/console-dist
// (scripts/build-console). `npm run dev` proxies the APIs to a local `openaml serve` (OPENAML_URL).
const backend = process.env.OPENAML_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/console/',
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? '../build/console-dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: {
      '^/(?!console/|@|src/|node_modules/).*': { target: backend, changeOrigin: false },
    },
  },
});
