import { create } from 'zustand';
import type { SocketStatus } from '../api/socket';

interface ConnectionStore {
  serverUrl: string;
  token: string | null;
  embedded: boolean;
  status: SocketStatus;
  retryInMs: number | null;
  lastEventId: number;
  version: string | null;
  /** Set when the coordinator refused the token, so the page asks for another. */
  unauthorized: boolean;
  setStatus(status: SocketStatus, retryInMs: number | null, lastEventId: number): void;
  setLastEventId(id: number): void;
  patch(values: Partial<Pick<ConnectionStore, 'serverUrl' | 'token' | 'embedded' | 'version' | 'unauthorized'>>): void;
}

export const useConnection = create<ConnectionStore>((set) => ({
  serverUrl: '',
  token: null,
  embedded: false,
  status: 'stopped',
  retryInMs: null,
  lastEventId: 0,
  version: null,
  unauthorized: false,
  setStatus(status, retryInMs, lastEventId) {
    set({ status, retryInMs, lastEventId });
  },
  setLastEventId(lastEventId) {
    set({ lastEventId });
  },
  patch(values) {
    set(values);
  },
}));
