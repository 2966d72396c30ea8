import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { localPlugin } from './eslint/layering.js';

const root = path.dirname(fileURLToPath(import.meta.url));

// The layers of DESIGN.md: a file's layer is its folder under src/. `mayImport` lists the other
// layers it may enter, always through their index.ts; `builtins` says whether Node's built-in
// modules (fs, buffer, timers, node:fs/promises, …) exist where the layer runs.
//   shared ← core ← provision ← server ← cli / main;  agent ← shared;  mcp ← shared (server, cli);  renderer, preload ← shared
const layers = {
  shared: { mayImport: [], builtins: false }, // runs everywhere: Node, the browser, the sandboxed preload
  core: { mayImport: ['shared'], builtins: true },
  provision: { mayImport: ['shared', 'core'], builtins: true },
  agent: { mayImport: ['shared'], builtins: true }, // bundled alone onto hosts: shared only
  mcp: { mayImport: ['shared'], builtins: true }, // the MCP server: a client of the REST API, like the CLI
  server: { mayImport: ['shared', 'core', 'provision', 'mcp'], builtins: true },
  cli: { mayImport: ['shared', 'core', 'provision', 'server', 'agent', 'mcp'], builtins: true },
  main: { mayImport: ['shared', 'core', 'provision', 'server', 'agent'], builtins: true },
  preload: { mayImport: ['shared'], builtins: false }, // sandboxed: electron's contextBridge/ipcRenderer only
  renderer: { mayImport: ['shared'], builtins: false }, // the browser: talks to the coordinator over HTTP
};

// Packages that may be imported only under these folders (native modules, and each face's framework).
const modules = {
  'better-sqlite3': ['src/core/store'],
  ssh2: ['src/provision'],
  '@modelcontextprotocol/*': ['src/mcp'],
  fastify: ['src/server'],
  '@fastify/*': ['src/server'],
  'fastify-plugin': ['src/server'],
  // The CLI follows logs and events over the server's WebSocket hub; the agent's transport keeps its channel (issue 19).
  ws: ['src/server', 'src/cli', 'src/agent/transport'],
  electron: ['src/main', 'src/preload'],
  'node-pty': ['src/main'],
  commander: ['src/cli'],
  react: ['src/renderer'],
  'react-dom': ['src/renderer'],
  zustand: ['src/renderer'],
  recharts: ['src/renderer'],
  '@xterm/*': ['src/renderer'],
  '@tanstack/*': ['src/renderer'],
};

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'test-results', '.gantry', 'bench/results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['src/**'],
    plugins: { local: localPlugin },
    rules: { 'local/layering': ['error', { root, layers, modules }] },
  },
);
