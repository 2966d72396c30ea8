import { isLoopbackHost } from '../../shared';

/** The agent refuses to start with this configuration; main prints the message and exits with usage status. */
export class AgentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

/**
 * Checks where the agent will send its token. https:// always; http:// only to this host (a
 * coordinator on loopback or an SSH tunnel's end), because a worker token sent in clear over a
 * network lets anyone on the path act as this worker. `allowInsecureHttp` is the explicit opt-in.
 */
export function checkCoordinatorUrl(raw: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AgentConfigError(`--url ${JSON.stringify(raw)} is not a URL (e.g. https://gantry.example:7878)`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:') throw new AgentConfigError(`--url must start with https:// or http://, not ${url.protocol}//`);
  if (isLoopbackHost(url.hostname) || allowInsecureHttp) return url;
  throw new AgentConfigError(
    `refusing to send the worker token in clear to ${url.host}: http:// is only trusted for this host (127.0.0.1, ::1, localhost). ` +
      'Use https:// (with --ca-file for a private CA), reach the coordinator through an SSH tunnel (ssh -R), ' +
      'or pass --insecure-http if the network between them is trusted.',
  );
}
