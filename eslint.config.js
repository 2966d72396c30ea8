import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const node = ['fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'url', 'util', 'events', 'worker_threads', 'readline', 'zlib', 'dns', 'tty'];
const nodeBuiltins = [...node, ...node.map((m) => `node:${m}`)];
const restrict = (paths, patterns = []) => ({ 'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message: 'not allowed in this layer (see STYLE.md)' })), patterns }] });

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
  // Layering: a file's layer is its folder; each layer lists what it may not import.
  { files: ['src/shared/**'], rules: restrict([...nodeBuiltins, 'electron', 'fastify', 'react', 'better-sqlite3', 'ws']) },
  { files: ['src/core/**'], rules: restrict(['electron', 'fastify', 'react', 'react-dom', 'ws', 'ssh2'], [{ group: ['**/server/**', '**/renderer/**', '**/main/**', '**/cli/**'], message: 'core imports no outer layer' }]) },
  { files: ['src/core/**'], ignores: ['src/core/store/**'], rules: restrict(['better-sqlite3', 'electron', 'fastify', 'react', 'react-dom', 'ws', 'ssh2']) },
  { files: ['src/agent/**'], rules: restrict(['better-sqlite3', 'node-pty', 'electron', 'fastify', 'react', 'ssh2'], [{ group: ['**/core/**', '**/server/**', '**/renderer/**', '**/main/**'], message: 'the agent is bundled alone: shared only' }]) },
  { files: ['src/server/**'], rules: restrict(['electron', 'react', 'better-sqlite3']) },
  { files: ['src/renderer/**'], languageOptions: { globals: { ...globals.browser } }, rules: restrict([...nodeBuiltins, 'electron', 'fastify', 'better-sqlite3'], [{ group: ['**/core/**', '**/server/**', '**/main/**', '**/agent/**', '**/cli/**'], message: 'the renderer talks to the coordinator over HTTP only' }]) },
  { files: ['src/preload/**'], rules: restrict(['better-sqlite3', 'fastify', 'node-pty']) },
);
