import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Native modules stay outside the bundles: electron-builder rebuilds them for Electron's ABI
// and unpacks them from the asar (electron-builder.yml).
const native = ['better-sqlite3', 'node-pty'];

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { include: native },
      rolldownOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but 'electron': everything is bundled into one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
        // The preload takes only IPC channel names from src/shared; nothing there runs for its side
        // effects, so the zod schemas it does not use stay out of the window's first script.
        treeshake: { moduleSideEffects: false },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
