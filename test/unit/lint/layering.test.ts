import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Each fixture is a small file placed (virtually) in one layer, with exactly one violation of
// DESIGN.md's layering, linted with the project's own eslint.config.js.
const violations: Array<{ name: string; filePath: string; code: string; message: RegExp }> = [
  { name: 'core importing the server', filePath: 'src/core/queue/fixture.ts', code: "import { startServer } from '../../server';\nexport const s = startServer;\n", message: /src\/core may not import src\/server/ },
  { name: 'core importing the server through a deep path', filePath: 'src/core/fixture.ts', code: "export { buildApp } from '../server/buildApp';\n", message: /src\/core may not import src\/server/ },
  { name: 'the renderer importing node:fs/promises', filePath: 'src/renderer/src/logic/fixture.ts', code: "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n", message: /'node:fs\/promises' is a Node built-in/ },
  { name: 'shared importing buffer', filePath: 'src/shared/fixture.ts', code: "import { Buffer } from 'buffer';\nexport const b = Buffer;\n", message: /'buffer' is a Node built-in/ },
  { name: 'the preload importing a node: module', filePath: 'src/preload/fixture.ts', code: "import { test } from 'node:test';\nexport const t = test;\n", message: /'node:test' is a Node built-in/ },
  { name: 'shared importing timers', filePath: 'src/shared/fixture.ts', code: "import { setTimeout } from 'timers';\nexport const t = setTimeout;\n", message: /'timers' is a Node built-in/ },
  { name: 'the server importing the Electron main process', filePath: 'src/server/routes/fixture.ts', code: "import { registerIpc } from '../../main/ipc/registerIpc';\nexport const r = registerIpc;\n", message: /src\/server may not import src\/main/ },
  { name: 'the renderer importing the preload', filePath: 'src/renderer/src/pages/fixture.ts', code: "import type { GantryApi } from '../../../preload';\nexport type A = GantryApi;\n", message: /src\/renderer may not import src\/preload/ },
  { name: 'the agent importing core', filePath: 'src/agent/fixture.ts', code: "import { createCoordinator } from '../core';\nexport const c = createCoordinator;\n", message: /src\/agent may not import src\/core/ },
  { name: 'a deep import past the door of core', filePath: 'src/server/fixture.ts', code: "import { secretsFilePath } from '../core/secrets/fileSecretStore';\nexport const p = secretsFilePath;\n", message: /reaches past the door of src\/core/ },
  { name: 'a deep type import past the door of shared', filePath: 'src/cli/fixture.ts', code: "import type { Job } from '../shared/schemas/jobs';\nexport type J = Job;\n", message: /reaches past the door of src\/shared/ },
  { name: 'a dynamic import of an outer layer', filePath: 'src/core/fixture.ts', code: "export const load = () => import('../main');\n", message: /src\/core may not import src\/main/ },
  { name: 'a dynamic import with a computed source', filePath: 'src/core/fixture.ts', code: "export const load = (name: string) => import(`../${name}`);\n", message: /import\(\) needs a string literal/ },
  { name: 'an import() type reaching an outer layer', filePath: 'src/core/fixture.ts', code: "export type S = import('../server').ServerOptions;\n", message: /src\/core may not import src\/server/ },
  { name: 'better-sqlite3 outside the store', filePath: 'src/core/queue/fixture.ts', code: "import Database from 'better-sqlite3';\nexport const d = Database;\n", message: /'better-sqlite3' may be imported only in src\/core\/store/ },
  { name: 'ssh2 outside provision', filePath: 'src/server/fixture.ts', code: "import { Client } from 'ssh2';\nexport const c = Client;\n", message: /'ssh2' may be imported only in src\/provision/ },
  { name: 'electron in core', filePath: 'src/core/fixture.ts', code: "import { app } from 'electron';\nexport const a = app;\n", message: /'electron' may be imported only in src\/main, src\/preload/ },
  { name: 'node-pty in the agent', filePath: 'src/agent/fixture.ts', code: "export const load = () => import('node-pty');\n", message: /'node-pty' may be imported only in src\/main/ },
  { name: 'a fastify plugin in core', filePath: 'src/core/fixture.ts', code: "import websocket from '@fastify/websocket';\nexport const w = websocket;\n", message: /'@fastify\/websocket' may be imported only in src\/server/ },
  { name: 'the MCP server importing core', filePath: 'src/mcp/fixture.ts', code: "import { createCoordinator } from '../core';\nexport const c = createCoordinator;\n", message: /src\/mcp may not import src\/core/ },
  { name: 'the MCP SDK outside src/mcp', filePath: 'src/server/fixture.ts', code: "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nexport const m = McpServer;\n", message: /'@modelcontextprotocol\/sdk' may be imported only in src\/mcp/ },
  { name: 'a folder under src that is no layer', filePath: 'src/gadgets/fixture.ts', code: 'export const x = 1;\n', message: /src\/gadgets is not a layer/ },
];

const clean: Array<{ name: string; filePath: string; code: string }> = [
  {
    name: 'the server entering core and shared through their doors, and fastify',
    filePath: 'src/server/routes/fixture.ts',
    code: "import Fastify from 'fastify';\nimport type { Coordinator } from '../../core';\nimport { JobState } from '../../shared';\nimport { readFile } from 'node:fs/promises';\nexport const all = [Fastify, JobState, readFile] as const;\nexport type C = Coordinator;\n",
  },
  { name: 'the store using better-sqlite3', filePath: 'src/core/store/fixture.ts', code: "import Database from 'better-sqlite3';\nimport { JobState } from '../../shared';\nexport const all = [Database, JobState] as const;\n" },
  { name: 'a layer importing deep inside itself', filePath: 'src/core/queue/fixture.ts', code: "import { openDatabase } from '../store/database';\nexport const o = openDatabase;\n" },
  { name: 'the CLI loading the server and the agent lazily', filePath: 'src/cli/serve/fixture.ts', code: "export const load = () => Promise.all([import('../../server'), import('../../agent')]);\n" },
  { name: 'the renderer importing shared and react', filePath: 'src/renderer/src/fixture.ts', code: "import { useState } from 'react';\nimport { FINAL_STATES } from '../../shared';\nexport const all = [useState, FINAL_STATES] as const;\n" },
];

const eslint = new ESLint({ cwd: process.cwd() });

async function layeringMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

describe('eslint layering', () => {
  it.each(violations)('refuses $name', async ({ filePath, code, message }) => {
    const messages = await layeringMessages(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^local\/layering: /);
    expect(messages[0]).toMatch(message);
  });

  it.each(clean)('accepts $name', async ({ filePath, code }) => {
    expect(await layeringMessages(filePath, code)).toEqual([]);
  });
});
