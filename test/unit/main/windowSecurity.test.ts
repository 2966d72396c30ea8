import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isTrustedSender, navigationDecision, windowOpenDecision } from '../../../src/main/window/security';

const app = ['http://127.0.0.1:4123'];

describe('window security', () => {
  it('allows scripts only from the app itself and no plugins, frames or base changes', () => {
    const csp = contentSecurityPolicy({ serverOrigin: app[0] });
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain('ws://127.0.0.1:4123');
  });

  it('lets the dev server run inline React Refresh code only in dev', () => {
    const csp = contentSecurityPolicy({ serverOrigin: app[0], devServerOrigin: 'http://localhost:5173' });
    expect(csp).toMatch(/script-src 'self' http:\/\/localhost:5173 'unsafe-inline'/);
    expect(csp).toContain('ws://localhost:5173');
  });

  it('keeps navigation within the app and sends web links to the browser', () => {
    expect(navigationDecision('http://127.0.0.1:4123/jobs/3', app)).toBe('allow');
    expect(navigationDecision('https://wandb.ai/run/1', app)).toBe('open-external');
    expect(navigationDecision('http://127.0.0.1:9999/', app)).toBe('open-external');
    expect(navigationDecision('file:///etc/passwd', app)).toBe('deny');
    expect(navigationDecision('javascript:alert(1)', app)).toBe('deny');
  });

  it('never opens a second window', () => {
    expect(windowOpenDecision('http://127.0.0.1:4123/jobs/3', app)).toBe('load-in-window');
    expect(windowOpenDecision('https://example.org', app)).toBe('open-external');
    expect(windowOpenDecision('smb://host/share', app)).toBe('deny');
  });

  it('trusts IPC only from frames showing the app', () => {
    expect(isTrustedSender('http://127.0.0.1:4123/overview', app)).toBe(true);
    expect(isTrustedSender('https://evil.example/', app)).toBe(false);
    expect(isTrustedSender(undefined, app)).toBe(false);
  });
});
