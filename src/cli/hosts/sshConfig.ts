import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SshEndpoint } from '../../shared';

/** One concrete `Host` alias of an OpenSSH config, resolved as ssh would (first value wins, wildcards give defaults). */
export interface SshConfigHost {
  alias: string;
  endpoint: SshEndpoint;
  identityFile: string | null;
  jump: SshEndpoint[];
}

interface Block {
  patterns: string[];
  options: Array<[string, string]>;
}

function parseBlocks(text: string): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(\S+?)\s*(?:=\s*|\s+)(.+)$/.exec(line);
    if (!match) continue;
    const key = match[1].toLowerCase();
    const value = match[2].trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') blocks.push({ patterns: value.split(/\s+/), options: [] });
    else if (key === 'match') blocks.push({ patterns: [], options: [] });
    else blocks[blocks.length - 1].options.push([key, value]);
  }
  return blocks;
}

function globMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(name);
}

function blockMatches(block: Block, alias: string): boolean {
  let matched = false;
  for (const pattern of block.patterns) {
    if (pattern.startsWith('!') && globMatches(pattern.slice(1), alias)) return false;
    if (!pattern.startsWith('!') && globMatches(pattern, alias)) matched = true;
  }
  return matched;
}

function optionsFor(blocks: Block[], alias: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const block of blocks) {
    if (!blockMatches(block, alias)) continue;
    for (const [key, value] of block.options) if (!found.has(key)) found.set(key, value);
  }
  return found;
}

function expandHome(path: string, home: string): string {
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/** Reads `HostName`, `User`, `Port`, `IdentityFile` and `ProxyJump` (chained, hops may be aliases). */
export function parseSshConfig(text: string, defaultUser: string, home = homedir()): SshConfigHost[] {
  const blocks = parseBlocks(text);
  const endpointOf = (alias: string, user?: string, port?: number): SshEndpoint => {
    const options = optionsFor(blocks, alias);
    return {
      user: user ?? options.get('user') ?? defaultUser,
      host: options.get('hostname')?.replace(/%h/g, alias) ?? alias,
      port: port ?? (options.has('port') ? Number(options.get('port')) : 22),
    };
  };
  const hop = (text: string): SshEndpoint => {
    const match = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(text.trim());
    if (!match) return endpointOf(text.trim());
    return endpointOf(match[2], match[1], match[3] === undefined ? undefined : Number(match[3]));
  };
  const aliases = [...new Set(blocks.flatMap((b) => b.patterns).filter((p) => p !== '' && !/[*?!]/.test(p)))];
  return aliases.map((alias) => {
    const options = optionsFor(blocks, alias);
    const jump = options.get('proxyjump');
    const identity = options.get('identityfile');
    return {
      alias,
      endpoint: endpointOf(alias),
      identityFile: identity ? expandHome(identity, home) : null,
      jump: !jump || jump === 'none' ? [] : jump.split(',').map(hop),
    };
  });
}
