import { join } from 'node:path';
import { CliError, EXIT, usageError } from '../exitCodes';
import { ADMIN_TOKEN_FILE, SERVER_FILE, defaultDataDir, readAdminToken, readServerInfo } from './dataDir';

export interface ConnectionFlags {
  url?: string;
  token?: string;
  dataDir?: string;
}

export interface Connection {
  url: string;
  token: string;
}

/** URL and token from flags, then GANTRY_URL / GANTRY_TOKEN, then what `gantry serve` left in the data dir. */
export async function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, homeDir: string): Promise<Connection> {
  const dataDir = flags.dataDir ?? defaultDataDir(env, homeDir);
  const url = flags.url ?? env.GANTRY_URL ?? (await readServerInfo(dataDir))?.url;
  if (!url) {
    throw new CliError(
      EXIT.unreachable,
      `no coordinator found: pass --url or set GANTRY_URL (looked for ${join(dataDir, SERVER_FILE)}); is \`gantry serve\` running?`,
    );
  }
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) throw usageError(`not an http(s) URL: ${url}`);
  const token = flags.token ?? env.GANTRY_TOKEN ?? (await readAdminToken(dataDir));
  if (!token) {
    throw usageError(`no token: pass --token or set GANTRY_TOKEN (looked for ${join(dataDir, ADMIN_TOKEN_FILE)})`);
  }
  return { url: url.replace(/\/+$/, ''), token };
}
