import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';

/** The console opens the task event stream only when the contract it is built against has it. */
const contract = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, unknown> };
// CONSOLE_TASK_EVENTS=1|0 overrides (to try the stream before openapi.json has it).
const hasTaskEvents = process.env.CONSOLE_TASK_EVENTS ? process.env.CONSOLE_TASK_EVENTS === '1' : '/api/mj/events/ticket' in contract.paths;

const gateway = process.env.GATEWAY_URL ?? 'http://localhost:3000';

/** Vendor code in a few stable chunks, each under 500 kB, cached across console releases. */
const vendorGroups: { name: string; test: RegExp; priority: number }[] = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 60 },
  { name: 'mui-icons', test: /node_modules[\\/]@mui[\\/]icons-material[\\/]/, priority: 50 },
  { name: 'mui', test: /node_modules[\\/](@mui|@emotion|@popperjs|react-transition-group|stylis)[\\/]/, priority: 40 },
  { name: 'ra-core', test: /node_modules[\\/](ra-core|ra-i18n-polyglot|ra-language-english|node-polyglot)[\\/]/, priority: 30 },
  {
    name: 'libs',
    test: /node_modules[\\/](react-router|react-router-dom|@tanstack|react-hook-form|lodash|openapi-fetch|react-dropzone|react-hotkeys-hook|react-error-boundary)[\\/]/,
    priority: 25,
  },
  { name: 'ra-ui', test: /node_modules[\\/]ra-ui-materialui[\\/]/, priority: 20 },
  { name: 'vendor', test: /node_modules[\\/]/, priority: 10 },
];

export default defineConfig({
  plugins: [react()],
  define: { __TASK_EVENTS__: JSON.stringify(hasTaskEvents) },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: gateway, changeOrigin: true },
      '^/mj/': { target: gateway, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      // Vite 8 bundles with Rolldown: `codeSplitting.groups` is what rollupOptions.output.manualChunks was.
      output: { codeSplitting: { groups: vendorGroups } },
    },
  },
});
