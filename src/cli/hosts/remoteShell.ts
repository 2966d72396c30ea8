import type { IncomingMessage } from 'node:http';
import type { ReadStream } from 'node:tty';
import { hostShellPath, HostShellServerMessage } from '../../shared';
import type { Connection } from '../connection';
import { printLine, type CliContext } from '../context';
import { CliError, EXIT, type ExitCode } from '../exitCodes';
import { unreachableMessage } from '../failure';

type Input = NodeJS.ReadableStream & Partial<Pick<ReadStream, 'isTTY' | 'setRawMode'>>;
type Output = CliContext['stdout'] & { rows?: number; on?: (event: 'resize', listener: () => void) => unknown };

/** Ctrl-D: what a terminal sends when its input ends, so a shell fed from a pipe exits at the pipe's end. */
const END_OF_INPUT = Buffer.from([4]);

function shellUrl(connection: Connection, name: string, output: Output): string {
  const url = new URL(hostShellPath(name), connection.url);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('cols', String(output.columns ?? 80));
  url.searchParams.set('rows', String(output.rows ?? 24));
  return url.toString();
}

/** A refused upgrade carries the API's error body: turn it into the CLI's usual error line. */
function refusal(response: IncomingMessage): Promise<CliError> {
  return new Promise((resolve) => {
    let body = '';
    response.on('data', (chunk: Buffer) => (body += chunk.toString()));
    response.on('end', () => {
      let message = `the coordinator refused the shell (HTTP ${response.statusCode})`;
      try {
        message = (JSON.parse(body) as { error: { message: string } }).error.message;
      } catch {
        // Not the API's error shape: keep the status line.
      }
      resolve(new CliError(EXIT.apiRefused, message));
    });
  });
}

/**
 * `gantry hosts shell NAME`: the host's login shell in this terminal, through the coordinator's
 * WebSocket (the coordinator holds the SSH keys). The terminal goes raw, so keys like Ctrl-C reach
 * the remote side; its size follows this window. Exits with the remote shell's status, as ssh does.
 */
export async function runRemoteShell(connection: Connection, name: string, context: CliContext, input: Input = process.stdin): Promise<void> {
  const output = context.stdout as Output;
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(shellUrl(connection, name, output), { headers: { authorization: `Bearer ${connection.token}` }, handshakeTimeout: 30_000 });
  const raw = Boolean(input.isTTY && input.setRawMode);
  let status: number | null = null;
  let failure: CliError | null = null;

  const onInput = (chunk: Buffer): void => void socket.send(chunk, { binary: true });
  const onInputEnd = (): void => void (socket.readyState === socket.OPEN && socket.send(END_OF_INPUT, { binary: true }));
  const onResize = (): void => void (socket.readyState === socket.OPEN && socket.send(JSON.stringify({ type: 'resize', cols: output.columns ?? 80, rows: output.rows ?? 24 })));

  await new Promise<void>((resolve) => {
    socket.on('unexpected-response', (_request, response) => {
      void refusal(response).then((error) => {
        failure = error;
        socket.terminate();
      });
    });
    socket.on('error', (error) => {
      failure ??= new CliError(EXIT.unreachable, unreachableMessage(error, connection.url));
    });
    socket.on('open', () => {
      if (raw) input.setRawMode!(true);
      input.on('data', onInput);
      input.on('end', onInputEnd);
      input.resume();
      output.on?.('resize', onResize);
    });
    socket.on('message', (data, binary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (binary) return void output.write(bytes);
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString());
      } catch {
        return; // Not a message of this protocol.
      }
      const message = HostShellServerMessage.safeParse(parsed);
      if (!message.success) return;
      if (message.data.type === 'exit') status = message.data.code ?? 255;
      else failure = new CliError(EXIT.apiRefused, message.data.message);
    });
    socket.on('close', () => {
      if (raw) input.setRawMode!(false);
      input.off('data', onInput);
      input.off('end', onInputEnd);
      input.pause();
      resolve();
    });
  });
  if (failure) throw failure;
  if (status === null) {
    printLine(context.stderr, `error: the shell on ${name} ended without an exit status (connection lost)`);
    throw new CliError(EXIT.unreachable, '');
  }
  // The remote status passes through, as with ssh; 0 returns normally.
  if (status !== 0) throw new CliError(status as ExitCode, '');
}
