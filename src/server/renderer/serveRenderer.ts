import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** True when `webRoot` is a folder with an index.html worth serving. */
export function hasRenderer(webRoot: string | undefined): webRoot is string {
  return webRoot !== undefined && existsSync(resolve(webRoot, 'index.html')) && statSync(webRoot).isDirectory();
}

/** Serves the built renderer at `/`; client-side routes fall back to index.html (see the not-found handler). */
export async function serveRenderer(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(fastifyStatic, { root: resolve(webRoot), prefix: '/', index: 'index.html' });
}

/** Paths the single-page app owns: anything outside the API. */
export const isRendererPath = (url: string): boolean => !url.startsWith('/api/') && url !== '/api';
