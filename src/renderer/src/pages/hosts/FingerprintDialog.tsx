import type { Host } from '../../../../shared';

/** Shows the key a host presents, so the user compares it with `ssh-keygen -l` on the host before trusting it. */
export function FingerprintDialog({ host, busy, onTrust, onClose }: { host: Host; busy: boolean; onTrust: () => void; onClose: () => void }) {
  const key = host.presented_key;
  if (!key) return null;
  const changed = key.trusted_fingerprint !== null;
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="fingerprint-title">
      <div className="dialog" data-testid="fingerprint-dialog">
        <h2 id="fingerprint-title">{changed ? 'The host key CHANGED' : 'Unknown host key'}</h2>
        <p className="subtle">
          {key.host}:{key.port} presents this {key.key_type} key. Check it on the host (<code>ssh-keygen -l -f /etc/ssh/ssh_host_{key.key_type.replace(/^ssh-/, '')}_key.pub</code>) before trusting it.
        </p>
        {changed && (
          <p>
            Trusted before: <code data-testid="trusted-fingerprint">{key.trusted_fingerprint}</code>
          </p>
        )}
        <p>
          {changed ? 'Presents now: ' : 'Fingerprint: '}
          <code data-testid="presented-fingerprint">{key.fingerprint}</code>
        </p>
        <div className="toolbar">
          <button className="primary" disabled={busy} onClick={onTrust} data-testid="trust-key">
            {busy ? 'Connecting…' : changed ? 'Trust the new key' : 'Trust and connect'}
          </button>
          <button className="ghost" onClick={onClose}>
            Not now
          </button>
        </div>
      </div>
    </div>
  );
}
