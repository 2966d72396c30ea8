import { ApiError, GantryClient } from '../../../shared';

/** What the stores need from the REST client; tests substitute a fake. */
export type Api = Pick<GantryClient, 'call' | 'request' | 'url'>;

let current: Api | null = null;

export function setApi(api: Api): void {
  current = api;
}

export function api(): Api {
  if (!current) throw new Error('the API client is used before a session was configured');
  return current;
}

/** The REST client for this page; `onUnauthorized` fires when the coordinator refuses the token. */
export function createApi(serverUrl: string, token: string | null, onUnauthorized: () => void): GantryClient {
  const watched: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) onUnauthorized();
    return response;
  };
  return new GantryClient({ baseUrl: serverUrl, token: token ?? undefined, fetch: watched });
}

export interface DescribedError {
  message: string;
  field?: string;
  status?: number;
}

/** The API's own message and field when it refused; otherwise whatever the browser said. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof ApiError) return { message: error.message, field: error.field, status: error.status };
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return { message: 'The coordinator did not answer in time.' };
    if (error instanceof TypeError) return { message: `Cannot reach the coordinator (${error.message}).` };
    return { message: error.message };
  }
  return { message: String(error) };
}
