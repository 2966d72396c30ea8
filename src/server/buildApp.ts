import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { AuthFailureLimiter } from './auth/authFailureLimiter';
import { registerBrowserGuard } from './browser/browserGuard';
import { createAuthenticate, createTokenResolver } from './auth/authenticate';
import { createJobTokens, loadJobTokenSecret } from './auth/jobTokens';
import { registerErrorHandling, sendFrameworkError } from './errors/registerErrorHandling';
import { LiveHub } from './live/liveHub';
import { isLoopbackAddress } from './metrics/loopback';
import { createPrometheusMetrics } from './metrics/prometheusMetrics';
import { registerLiveSocket } from './live/registerLiveSocket';
import { registerMcpEndpoint } from './mcp/registerMcpEndpoint';
import { registerHostShellSocket } from './routes/hosts/hostShellSocket';
import { registerAgentChannel } from './channel/registerAgentChannel';
import { serializeRequest } from './logging/redactedRequest';
import { openApiDocument } from './openapi/openApiDocument';
import type { AppOptions } from './options';
import { hasRenderer, isRendererPath, serveRenderer } from './renderer/serveRenderer';
import { allRouteHandlers, registerRoutes } from './routes';
import { createFileSecretStore, secretsFilePath } from '../core';
import { MAX_CHANNEL_CALL_BYTES } from '../shared';
import { createHostService, createSlurmService } from '../provision';
import { ParkedClaims } from './routes/workers/parkedClaims';
import { GroupCommit } from './routes/jobs/groupCommit';
import { KubernetesBridges } from './kubernetes/kubernetesBridges';
import { startChatBot } from './chat/telegramBot';
import { withTotalTiming } from './serverTiming';

const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** This server on the loopback interface, for SSH tunnels that end here. */
function loopbackUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('the server is not listening yet');
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** The fastify app with every route, the WebSocket hub and the error shape; not listening (tests inject). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { coordinator } = options;
  const version = options.version ?? '0.0.0';
  const now = options.now ?? Date.now;
  const app = Fastify({
    logger: options.logger === false ? false : { level: 'info', ...options.logger, serializers: { req: serializeRequest } },
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { maxParamLength: 500 },
    forceCloseConnections: 'idle',
    frameworkErrors: sendFrameworkError,
  });

  const secret = options.jobTokenSecret ?? loadJobTokenSecret(coordinator.dataDir);
  const jobTokens = createJobTokens(typeof secret === 'string' ? Buffer.from(secret) : secret);
  const resolveToken = createTokenResolver(coordinator, jobTokens, { now, jobTokenReadGraceMs: options.jobTokenReadGraceMs });
  const authenticate = createAuthenticate(coordinator, resolveToken, new AuthFailureLimiter(options.authFailureLimits, now));
  const hub = new LiveHub(coordinator, now);
  const metrics = createPrometheusMetrics(coordinator);
  const stopDeliveries = coordinator.operations.notifications.startDelivery(options.notifications ?? {});
  const closing = new AbortController();
  const groupCommit = new GroupCommit(coordinator, (count, shared) => metrics.observeFinishRequests(count, shared));
  app.addHook('preClose', (done) => {
    closing.abort();
    hub.close();
    metrics.close();
    stopDeliveries();
    done();
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  // The time spent inside the server, so a client can tell it from the network and its own waits
  // (bench/README.md, e2e.claim.*). A callback hook: an async one costs a promise per reply.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('server-timing', withTotalTiming(reply.getHeader('server-timing'), reply.elapsedTime, request));
    done(null, payload);
  });

  const secretStore = options.secretStore ?? createFileSecretStore(secretsFilePath(coordinator.dataDir));
  const stopChatBot = options.chatBot ? startChatBot(app, coordinator, secretStore, options.chatBot) : () => undefined;
  app.addHook('preClose', (done) => {
    stopChatBot();
    done();
  });
  const provisioning = {
    coordinator,
    secrets: secretStore,
    localUrl: () => loopbackUrl(app),
    ...options.hosts,
  };
  const hosts = createHostService(provisioning);
  // A service given by the caller is theirs to start and close (AppOptions.slurm).
  const given = options.slurm && 'service' in options.slurm ? options.slurm.service : null;
  const slurm = given ?? createSlurmService({ ...provisioning, pollMs: options.slurm && 'pollMs' in options.slurm ? options.slurm.pollMs : undefined });
  const kubernetes = new KubernetesBridges(coordinator, options.kubernetes, () => loopbackUrl(app), app.log);
  // Tunnels end at our port, known once listening; agents behind them come back by themselves.
  // Pilots are told that port too, so clusters are looked at only once it is known.
  app.addHook('onListen', (done) => {
    hosts.resume();
    if (!given) slurm.start();
    kubernetes.startAll();
    done();
  });
  app.addHook('onClose', async () => {
    hosts.close();
    if (!given) slurm.close();
    await kubernetes.close();
  });

  const renderer = hasRenderer(options.webRoot) ? options.webRoot : undefined;
  registerErrorHandling(app, renderer ? isRendererPath : undefined);
  const browserChecks = registerBrowserGuard(app, { allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins });
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_CHANNEL_CALL_BYTES } });
  registerLiveSocket(app, hub, authenticate, browserChecks, resolveToken);
  registerMcpEndpoint(app, authenticate, browserChecks, version);
  registerHostShellSocket(app, hosts, authenticate, browserChecks, resolveToken);
  const checkResponses = options.checkResponses ?? process.env.GANTRY_CHECK_RESPONSES === '1';
  const agentChannel = options.agentChannel ?? process.env.GANTRY_AGENT_CHANNEL !== '0';
  const deps = {
    coordinator, hub, metrics, jobTokens, hosts, slurm, kubernetes, closing: closing.signal, localWorker: options.localWorker ?? null, parkedClaims: new ParkedClaims(), groupCommit, agentChannel,
  };
  if (agentChannel) registerAgentChannel(app, deps, authenticate, browserChecks, resolveToken, { checkResponses });
  registerRoutes(
    app,
    allRouteHandlers(version, options.secrets ?? { path: secretsFilePath(coordinator.dataDir), protection: 'file-mode-only' }),
    deps,
    authenticate,
    resolveToken,
    (name, request) => name === 'prometheusMetrics' && options.metricsOpen === true && isLoopbackAddress(request.socket.remoteAddress),
    { checkResponses },
  );

  const document = openApiDocument(version);
  // The document describes the API, not its data, so it is served without a token.
  app.get('/api/openapi.json', async () => document);

  if (renderer) await serveRenderer(app, renderer);
  return app;
}
