import { create } from 'zustand';
import type { SocketStatus } from '../api/socket';

interface ConnectionStore {
  serverUrl: string;
  token: string | null;
  embedded: boolean;
  status: SocketStatus;
  retryInMs: number | null;
  lastEventId: number;
  /** Queue events this page has received since it opened. */
  eventsReceived: number;
  version: string | null;
  /** Set when the coordinator refused the token, so the page asks for another. */
  unauthorized: boolean;
  setStatus(status: SocketStatus, retryInMs: number | null, lastEventId: number): void;
  /** Records a batch of received events: counts them and remembers the last id. */
  receivedEvents(count: number, lastId: number): void;
  patch(values: Partial<Pick<ConnectionStore, 'serverUrl' | 'token' | 'embedded' | 'version' | 'unauthorized'>>): void;
}

export const useConnection = create<ConnectionStore>((set) => ({
  serverUrl: '',
  token: null,
  embedded: false,
  status: 'stopped',
  retryInMs: null,
  lastEventId: 0,
  eventsReceived: 0,
  version: null,
  unauthorized: false,
  setStatus(status, retryInMs, lastEventId) {
    set({ status, retryInMs, lastEventId });
  },
  receivedEvents(count, lastEventId) {
    set((s) => ({ eventsReceived: s.eventsReceived + count, lastEventId }));
  },
  patch(values) {
    set(values);
  },
}));
