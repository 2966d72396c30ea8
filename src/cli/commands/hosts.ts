import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiError, parseSshTarget, type GantryClient, type HostAdd } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { describeHost, formatHostTable } from '../format/hosts';
import { collect, integerArg } from '../jobFlags';
import { ask, canAsk } from '../hosts/prompt';
import { runRemoteShell } from '../hosts/remoteShell';
import { describeHostEvent, watchHosts } from '../hosts/watchHosts';
import { parseSshConfig } from '../hosts/sshConfig';

/** Bootstrapping uploads a bundle and may wait on a slow host; far longer than a plain call. */
const HOST_CALL_MS = 300_000;

interface AddFlags extends ConnectionFlags {
  ssh: string;
  identity?: string;
  jump?: string[];
  label?: string[];
  maxJobs?: number;
  gpus?: number[];
}

function gpuIndexes(text: string): number[] {
  const index = integerArg(0, 1024);
  return text.split(',').map((part) => index(part.trim()));
}

function localUser(context: CliContext): string {
  return context.env.USER ?? userInfo().username;
}

/**
 * Adds the host; when its key file turns out to be encrypted, asks for the passphrase (or takes
 * GANTRY_SSH_PASSPHRASE) and sends it once: the server keeps it in its secret store.
 */
async function addHost(client: GantryClient, body: HostAdd, context: CliContext): Promise<void> {
  let request = body;
  if (context.env.GANTRY_SSH_PASSPHRASE && body.identity_file) request = { ...body, passphrase: context.env.GANTRY_SSH_PASSPHRASE };
  try {
    printLine(context.stdout, describeHost(await client.call('addHost', { body: request }, HOST_CALL_MS)));
  } catch (error) {
    const needsPassphrase = error instanceof ApiError && error.field === 'passphrase' && /encrypted/.test(error.message);
    if (!needsPassphrase || request.passphrase !== undefined || !canAsk()) throw error;
    const passphrase = await ask(`passphrase for ${body.identity_file}: `, true);
    printLine(context.stdout, describeHost(await client.call('addHost', { body: { ...body, passphrase } }, HOST_CALL_MS)));
  }
}

function registerAdd(hosts: Command, context: CliContext): void {
  const add = hosts
    .command('add')
    .summary('add a host (or update it in place), check its key, probe it and start its agent')
    .argument('<name>', 'a name for the host; its workers get the tag host:NAME')
    .requiredOption('--ssh <user@host[:port]>', 'how to reach it')
    .option('--identity <file>', 'private key (default: your ssh-agent, else ~/.ssh/id_*)')
    .option('--jump <user@host[:port]>', 'jump host, in order (repeatable)', collect((t: string) => t))
    .option('--label <label>', 'tag for its workers (repeatable)', collect((t: string) => t))
    .option('--max-jobs <n>', 'jobs its agent runs at once', integerArg(1))
    .option('--gpus <list>', 'GPU indexes its agent may use, like 0,1 (default: all)', gpuIndexes);
  addConnectionFlags(add);
  add.action(async (name: string, flags: AddFlags) => {
    const user = localUser(context);
    const body: HostAdd = {
      name,
      ssh: parseSshTarget(flags.ssh, user, 'ssh'),
      identity_file: flags.identity ? resolve(context.cwd, flags.identity) : null,
      jump: (flags.jump ?? []).map((hop) => parseSshTarget(hop, user, 'jump')),
      labels: flags.label ?? [],
      max_jobs: flags.maxJobs ?? null,
      gpus: flags.gpus ?? null,
    };
    const { client } = await connect(flags, context);
    await addHost(client, body, context);
  });
}

function registerImport(hosts: Command, context: CliContext): void {
  const command = hosts
    .command('import')
    .summary('add the hosts of your ~/.ssh/config (Host, HostName, User, Port, IdentityFile, ProxyJump)')
    .argument('[alias...]', 'only these Host aliases (default: all)')
    .option('--config <file>', 'the ssh config to read', '')
    .option('--dry-run', 'print what would be added');
  addConnectionFlags(command);
  command.action(async (aliases: string[], flags: ConnectionFlags & { config: string; dryRun?: boolean }) => {
    const file = flags.config ? resolve(context.cwd, flags.config) : join(context.homeDir, '.ssh', 'config');
    const found = parseSshConfig(await readFile(file, 'utf8'), localUser(context), context.homeDir).filter((h) => aliases.length === 0 || aliases.includes(h.alias));
    if (found.length === 0) throw usageError(`no matching Host entries in ${file}`);
    const bodies: HostAdd[] = found.map((h) => ({ name: h.alias, ssh: h.endpoint, identity_file: h.identityFile, jump: h.jump }));
    if (flags.dryRun) return printJson(context, bodies);
    const { client } = await connect(flags, context);
    for (const body of bodies) await addHost(client, body, context);
  });
}

function registerTrust(hosts: Command, context: CliContext): void {
  const command = hosts
    .command('trust')
    .summary("trust the host key a host presents (by its SHA256 fingerprint), then bring it up")
    .argument('<name>', 'host name')
    .option('--fingerprint <SHA256:…>', 'the fingerprint you checked (without it: show it and ask)');
  addConnectionFlags(command);
  command.action(async (name: string, flags: ConnectionFlags & { fingerprint?: string }) => {
    const { client } = await connect(flags, context);
    let fingerprint = flags.fingerprint;
    if (!fingerprint) {
      const host = await client.call('getHost', { params: { name } });
      const key = host.presented_key;
      if (!key) return printLine(context.stdout, `host ${name}: no key waiting to be trusted (${host.state})`);
      printLine(context.stdout, describeHost(host));
      if (!canAsk()) throw usageError('not a terminal: pass --fingerprint after checking the key');
      const answer = await ask(`trust ${key.key_type} ${key.fingerprint} for ${key.host}:${key.port}? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) throw usageError('nothing trusted');
      fingerprint = key.fingerprint;
    }
    printLine(context.stdout, describeHost(await client.call('trustHost', { params: { name }, body: { fingerprint } }, HOST_CALL_MS)));
  });
}

function registerLifecycle(hosts: Command, context: CliContext): void {
  const simple = [
    ['up', 'hostUp', 'probe the host, install the agent and start it'],
    ['restart', 'hostRestart', "restart the host's agent"],
    ['upgrade', 'hostUpgrade', "install the coordinator's agent version and restart it"],
  ] as const;
  for (const [verb, route, summary] of simple) {
    const command = hosts.command(verb).summary(summary).argument('<name>', 'host name');
    addConnectionFlags(command);
    command.action(async (name: string, flags: ConnectionFlags) => {
      const { client } = await connect(flags, context);
      printLine(context.stdout, describeHost(await client.call(route, { params: { name } }, HOST_CALL_MS)));
    });
  }

  const down = hosts.command('down').summary("stop the host's agent once its running jobs finish (--now: hand them back)").argument('<name>', 'host name').option('--now', 'stop at once');
  addConnectionFlags(down);
  down.action(async (name: string, flags: ConnectionFlags & { now?: boolean }) => {
    const { client } = await connect(flags, context);
    printLine(context.stdout, describeHost(await client.call('hostDown', { params: { name }, body: { now: Boolean(flags.now) } }, HOST_CALL_MS)));
  });

  const rm = hosts.command('rm').summary("stop the host's agent, remove its ~/.gantry and forget it").argument('<name>', 'host name');
  addConnectionFlags(rm);
  rm.action(async (name: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    const result = await client.call('removeHost', { params: { name } }, HOST_CALL_MS);
    printLine(context.stdout, `host ${name}: removed${result.cleaned ? ' (~/.gantry cleaned)' : ''}`);
    if (result.warning) printLine(context.stderr, `warning: ${result.warning}`);
  });

  const shell = hosts.command('shell').summary("an interactive shell on the host (through the coordinator, admin only)").argument('<name>', 'host name');
  addConnectionFlags(shell);
  shell.action(async (name: string, flags: ConnectionFlags) => {
    const { connection } = await connect(flags, context);
    await runRemoteShell(connection, name, context);
  });

  const logs = hosts.command('logs').summary("the end of the host agent's own log").argument('<name>', 'host name').option('-n, --lines <n>', 'how many lines', integerArg(1), 200);
  addConnectionFlags(logs);
  logs.action(async (name: string, flags: ConnectionFlags & { lines: number }) => {
    const { client } = await connect(flags, context);
    context.stdout.write((await client.call('hostLogs', { params: { name }, query: { lines: flags.lines } }, HOST_CALL_MS)).text);
  });
}

export function registerHosts(program: Command, context: CliContext): void {
  const hosts = program.command('hosts').summary('GPU hosts over SSH: add, trust, up, down, restart, upgrade, rm, logs, shell');

  const ls = hosts
    .command('ls', { isDefault: true })
    .summary('list hosts and their state (the default)')
    .option('--json', 'print the hosts as JSON (with --watch: then each host.* event as a JSON line)')
    .option('--watch', 'then print a line per host change as it happens (live events), until interrupted');
  addConnectionFlags(ls);
  ls.action(async (flags: ConnectionFlags & { json?: boolean; watch?: boolean }) => {
    const { client, connection } = await connect(flags, context);
    const print = async () => {
      const list = await client.call('listHosts');
      // Watching with --json prints JSON lines: the list on one line, then one event a line.
      if (flags.json && flags.watch) printLine(context.stdout, JSON.stringify(list));
      else if (flags.json) printJson(context, list);
      else printLine(context.stdout, formatHostTable(list));
    };
    if (!flags.watch) return print();
    await watchHosts({
      ...connection,
      onSubscribed: print,
      onEvent: (event) => printLine(context.stdout, flags.json ? JSON.stringify(event) : describeHostEvent(event)),
      notice: (message) => printLine(context.stderr, message),
    });
  });

  registerAdd(hosts, context);
  registerImport(hosts, context);
  registerTrust(hosts, context);
  registerLifecycle(hosts, context);
}
