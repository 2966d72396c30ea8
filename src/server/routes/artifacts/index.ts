import type { RouteHandlers } from '../routeHandler';
import { sendStoredFile } from './sendStoredFile';

/** A job token's uploads are its attempt's; an admin's belong to no attempt. */
function uploaderAttempt(principal: { attempt: number | null } | null, declared: number | undefined): number | null {
  return principal?.attempt ?? declared ?? null;
}

export const artifactHandlers: RouteHandlers<'listArtifacts' | 'downloadArtifact' | 'removeArtifact' | 'createUpload' | 'getUpload' | 'sendUpload'> = {
  listArtifacts: ({ params }, { coordinator }) => coordinator.artifacts.list(params.id),
  downloadArtifact: ({ params, request, reply }, { coordinator }) => sendStoredFile(request, reply, coordinator.artifacts.locate(params.id, params['*'])),
  removeArtifact: ({ params }, { coordinator }) => {
    coordinator.artifacts.remove(params.id, params['*']);
    return { ok: true as const };
  },
  createUpload: ({ params, body, principal }, { coordinator }) => coordinator.artifacts.createUpload(params.id, body, uploaderAttempt(principal, body.attempt)),
  getUpload: ({ params }, { coordinator }) => coordinator.artifacts.upload(params.id, params.upload),
  sendUpload: ({ params, query, body }, { coordinator }) => coordinator.artifacts.appendUpload(params.id, params.upload, query.offset, body, query.sha256),
};
