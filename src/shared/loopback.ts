/**
 * Whether a URL's host is this machine (127.0.0.0/8, ::1, localhost). An agent sends its token over
 * plain http:// only to such a host: a coordinator on the same machine or an SSH tunnel's end.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return host === '::1' || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether an agent may send its token to `url` without `--insecure-http`: https, or http to this machine. */
export function carriesTokenSafely(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
  } catch {
    return false;
  }
}
