import { describe, expect, it } from 'vitest';
import { redactTokenInUrl } from '../../../../src/server/logging/redactedRequest';

describe('redactTokenInUrl', () => {
  it.each([
    ['/api/v1/ws?token=gantry_secret', '/api/v1/ws?token=[redacted]'],
    ['/?a=1&token=gantry_secret&b=2', '/?a=1&token=[redacted]&b=2'],
    ['/?TOKEN=x', '/?TOKEN=[redacted]'],
    ['/api/v1/jobs?text=token', '/api/v1/jobs?text=token'],
  ])('logs %s as %s', (url, logged) => {
    expect(redactTokenInUrl(url)).toBe(logged);
  });
});
