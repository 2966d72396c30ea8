import { buildApp } from './buildApp';
import type { RunningServer, ServerOptions } from './options';

/** In-flight requests get this long to finish before their sockets are cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * fastify's close() waits for every open connection, and a keep-alive socket that was busy when
 * close began (an agent's last long-poll, say) stays open until its keep-alive timeout, about a
 * minute. After a grace period the remaining sockets are cut so shutdown returns promptly.
 */
async function closeApp(app: RunningServer['app']): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

/** Builds the app and listens; on 127.0.0.1 unless told otherwise. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const app = await buildApp(options);
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, port, app, close: () => closeApp(app) };
}
