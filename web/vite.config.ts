import { defineConfig } from 'vite';

/** The web app: built into web/dist, which the API server serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // exceljs is loaded only when a ledger is exported, in its own chunk.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      checks: { pluginTimings: false },
      onwarn(warning, warn) {
        // react-router marks its modules "use client" for server components; a plain SPA ignores it.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: { '/graphql': 'http://127.0.0.1:4000', '/files': 'http://127.0.0.1:4000', '/reports': 'http://127.0.0.1:4000' },
  },
});
