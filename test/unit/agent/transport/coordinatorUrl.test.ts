import { describe, expect, it } from 'vitest';
import { AgentConfigError, checkCoordinatorUrl } from '../../../../src/agent/transport/coordinatorUrl';
import { carriesTokenSafely } from '../../../../src/shared';

describe('checkCoordinatorUrl', () => {
  it.each([
    ['https://gantry.example:7878', false],
    ['http://127.0.0.1:7878', false],
    ['http://127.0.0.53:7878', false],
    ['http://localhost:7878', false],
    ['http://[::1]:7878', false],
    ['http://gpu-box:7878', true],
    ['http://10.0.0.5:7878', true],
  ])('accepts %s (insecure-http: %s)', (url, insecure) => {
    expect(checkCoordinatorUrl(url, insecure).href).toBe(new URL(url).href);
  });

  it.each(['http://10.0.0.5:7878', 'http://gpu-box:7878', 'http://[fe80::1]:7878', 'http://127.0.0.1.evil.example:7878'])('refuses %s over plain http without --insecure-http', (url) => {
    expect(() => checkCoordinatorUrl(url, false)).toThrow(AgentConfigError);
    expect(() => checkCoordinatorUrl(url, false)).toThrow(/in clear/);
  });

  it('refuses what is not an http(s) URL, naming the option', () => {
    expect(() => checkCoordinatorUrl('gpu-box:7878', false)).toThrow(/--url/);
    expect(() => checkCoordinatorUrl('ftp://gpu-box', true)).toThrow(/https:\/\/ or http:\/\//);
  });
});

describe('carriesTokenSafely (provision tunnels any other address)', () => {
  it.each([
    ['https://gantry.example:7878', true],
    ['http://127.0.0.1:7878', true],
    ['http://[::1]:7878', true],
    ['http://localhost:7878', true],
    ['http://10.0.0.5:7878', false],
    ['http://laptop.lan:7878', false],
    ['not a url', false],
  ])('%s → %s', (url, safe) => {
    expect(carriesTokenSafely(url)).toBe(safe);
  });
});
