import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `$GANTRY_DATA_DIR`, else `$XDG_DATA_HOME/gantry`, else `~/.local/share/gantry`. */
export function defaultDataDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  if (env.GANTRY_DATA_DIR) return env.GANTRY_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'gantry');
  return join(homeDir, '.local', 'share', 'gantry');
}

export const SERVER_FILE = 'server.json';
export const ADMIN_TOKEN_FILE = 'admin-token';

/** What `gantry serve` leaves in the data dir so other invocations find it. */
export interface ServerInfo {
  url: string;
  pid?: number;
}

export async function writeServerInfo(dataDir: string, info: ServerInfo): Promise<void> {
  await writeFile(join(dataDir, SERVER_FILE), `${JSON.stringify(info)}\n`, { mode: 0o600 });
}

/** Removes server.json only if it still names this server: a second `serve` on the same dir may have replaced it. */
export async function removeServerInfo(dataDir: string, info: ServerInfo): Promise<void> {
  const current = await readServerInfo(dataDir);
  if (current && current.url === info.url && current.pid === info.pid) await rm(join(dataDir, SERVER_FILE), { force: true });
}

export async function readServerInfo(dataDir: string): Promise<ServerInfo | null> {
  const text = await readOptional(join(dataDir, SERVER_FILE));
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as ServerInfo).url === 'string') return parsed as ServerInfo;
  } catch {
    // A half-written or hand-edited file: treat it as absent, the caller says how to fix it.
  }
  return null;
}

export async function readAdminToken(dataDir: string): Promise<string | null> {
  const text = await readOptional(join(dataDir, ADMIN_TOKEN_FILE));
  const token = text?.trim();
  return token ? token : null;
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
