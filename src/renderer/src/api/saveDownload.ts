import type { RouteName } from '../../../shared';
import { toastError } from '../stores/toasts';
import { api } from './client';

/** Downloads can be large and slow; the client's default timeout is for small calls. */
const DOWNLOAD_TIMEOUT_MS = 6 * 3600_000;

/**
 * Saves a stored file (an artifact, a model, a dataset) under `fileName`. The token travels in a
 * header, never in a URL, so the bytes come through fetch rather than a plain link.
 */
export async function saveDownload(route: RouteName, params: Record<string, unknown>, fileName: string): Promise<void> {
  try {
    const response = await api().request(route, { params }, DOWNLOAD_TIMEOUT_MS);
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    URL.revokeObjectURL(url);
  } catch (error) {
    toastError(error, `Downloading ${fileName} failed`);
  }
}
