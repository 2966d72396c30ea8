import { parseArgs } from 'node:util';
import { parseHostPort, startTcpRelay } from './tcpRelay';

export const RELAY_USAGE = `gantry-agent relay --listen HOST[:PORT] --to HOST:PORT

Carries each connection made to --listen to --to (a Slurm login node's relay: compute nodes reach
the coordinator's SSH forward on the login node's loopback through it). Prints "listening HOST:PORT"
once it listens, one line per connection on stderr, and exits when its stdin closes, so it ends
with the SSH session that started it (and with the forward it pipes to).
`;

/** `gantry-agent relay …`: the relay mode of the agent bundle. */
export async function relayMain(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { listen: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) return void process.stdout.write(RELAY_USAGE);
  if (!values.listen || !values.to) throw new Error(`--listen and --to are required\n\n${RELAY_USAGE}`);
  const listen = parseHostPort(values.listen, '--listen');
  const target = parseHostPort(values.to, '--to');
  if (target.port === 0) throw new Error('--to needs a port');
  const relay = await startTcpRelay({
    listenHost: listen.host,
    listenPort: listen.port,
    targetHost: target.host,
    targetPort: target.port,
    onConnection: (count, from) => process.stderr.write(`gantry-agent relay: connection ${count} from ${from}\n`),
  });
  process.stdout.write(`listening ${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${relay.port}\n`);
  const leave = (): void => {
    void relay.close();
    process.exit(0);
  };
  process.stdin.on('end', leave);
  process.stdin.on('close', leave);
  process.stdin.resume();
  process.on('SIGTERM', leave);
  process.on('SIGHUP', leave);
}
