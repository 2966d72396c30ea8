import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsQuery, type MetricRow } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer;
let jobId: number;
beforeAll(async () => {
  server = await createTestServer({ checkResponses: true });
  const c = server.coordinator;
  jobId = c.submit({ command: ['train'] }).id;
  // Two names, two attempts, points without a step and repeated steps: every tie the order has.
  c.recordMetrics(jobId, 1, [
    { name: 'loss', value: 9, at: 1 },
    { name: 'loss', value: 8, at: 2 },
    ...[0, 1, 1, 2].map((step, i) => ({ step, name: 'loss', value: i, at: 10 + i })),
    ...[0, 1].map((step) => ({ step, name: 'acc', value: step / 2, at: 20 + step })),
  ]);
  c.recordMetrics(jobId, 2, [{ name: 'loss', value: 7, at: 30 }, ...[0, 1].map((step) => ({ step, name: 'loss', value: step, at: 31 + step }))]);
});
afterAll(() => server.close());

const get = (url: string) => server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${server.tokens.read}` } });

describe('GET /api/v1/jobs/:id/metrics, the plain listing in pages', () => {
  it('gives every point once, in order, across pages of limit points joined by X-Next-Cursor', async () => {
    const whole = (await get(`/api/v1/jobs/${jobId}/metrics?limit=100000`)).json() as MetricRow[];
    expect(whole).toHaveLength(11);
    for (const limit of [1, 2, 3, 5]) {
      const pages: MetricRow[] = [];
      let url = `/api/v1/jobs/${jobId}/metrics?limit=${limit}`;
      for (;;) {
        const response = await get(url);
        expect(response.statusCode).toBe(200);
        const page = response.json() as MetricRow[];
        expect(page.length).toBeLessThanOrEqual(limit);
        pages.push(...page);
        const next = response.headers['x-next-cursor'];
        if (!next) break;
        url = `/api/v1/jobs/${jobId}/metrics?limit=${limit}&after=${String(next)}`;
      }
      expect(pages).toEqual(whole);
    }
  });

  it('sends each page and cursor as the object listing has them, for every name, page size and position', async () => {
    for (const name of [undefined, 'loss', 'acc']) {
      for (const limit of [1, 2, 3, 5, 100]) {
        let after: string | undefined;
        do {
          const query = MetricsQuery.parse({ limit, ...(name ? { name } : {}), ...(after ? { after } : {}) });
          const expected = server.coordinator.metricQueries.job(jobId, query);
          if (!('points' in expected)) throw new Error('expected points');
          const response = await get(`/api/v1/jobs/${jobId}/metrics?limit=${limit}${name ? `&name=${name}` : ''}${after ? `&after=${after}` : ''}`);
          expect(response.json()).toEqual(expected.points);
          expect(response.headers['x-next-cursor'] ?? null).toBe(expected.next_cursor);
          after = expected.next_cursor ?? undefined;
        } while (after);
      }
    }
  });

  it('pages a single name too, and ends without a cursor', async () => {
    const first = await get(`/api/v1/jobs/${jobId}/metrics?name=acc&limit=1`);
    const second = await get(`/api/v1/jobs/${jobId}/metrics?name=acc&limit=1&after=${String(first.headers['x-next-cursor'])}`);
    expect([...first.json(), ...second.json()].map((p: MetricRow) => p.step)).toEqual([0, 1]);
    expect(second.headers['x-next-cursor']).toBeUndefined();
  });

  it('refuses a limit past the maximum, a cursor it never gave, and paging another answer, naming the field', async () => {
    const tooMany = await get(`/api/v1/jobs/${jobId}/metrics?limit=100001`);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.field).toBe('limit');
    const forged = await get(`/api/v1/jobs/${jobId}/metrics?after=bm9wZQ`);
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.field).toBe('after');
    const mixed = await get(`/api/v1/jobs/${jobId}/metrics?latest=1&limit=5`);
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error).toMatchObject({ field: 'limit', message: expect.stringMatching(/plain listing only/) });
  });
});
