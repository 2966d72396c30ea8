import type { QueueEvent } from '../../../shared';
import { GantrySocket, socketUrl, type LogFollower } from './socket';
import { useConnection } from '../stores/connection';
import { useJobs } from '../stores/jobs';
import { useWorkers } from '../stores/workers';
import { useTelemetry } from '../stores/telemetry';
import { useIdleGpus } from '../stores/idleGpus';

type EventsListener = (events: QueueEvent[]) => void;

let socket: GantrySocket | null = null;
/** Where the live socket goes and with which token: other sockets of this page (a host shell) use the same. */
let connection: { serverUrl: string; token: string | null } | null = null;
const listeners = new Set<EventsListener>();
let buffer: QueueEvent[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;

// A sweep finishing emits thousands of events at once; handing them over in batches keeps the
// stores from copying a 100,000-row list once per event.
function flush(): void {
  flushTimer = null;
  const events = buffer;
  buffer = [];
  useConnection.getState().receivedEvents(events.length, events[events.length - 1].id);
  useJobs.getState().applyEvents(events);
  useWorkers.getState().applyEvents(events);
  useTelemetry.getState().applyEvents(events);
  useIdleGpus.getState().applyEvents(events);
  for (const listener of listeners) listener(events);
}

export function refreshAll(): void {
  void useJobs.getState().reload();
  void useWorkers.getState().reload();
  // The GPU grid shows its own empty state; a failure here is retried on the next job start or stop.
  useTelemetry.getState().loadLatest().catch(() => undefined);
  // Only a badge: a failure leaves the last list and the next event retries.
  useIdleGpus.getState().reload().catch(() => undefined);
}

/** Opens the one WebSocket for this page. Stores are reloaded on the first open to close the gap before subscribing. */
export function startLive(serverUrl: string, token: string | null): void {
  socket?.stop();
  connection = { serverUrl, token };
  socket = new GantrySocket({
    url: socketUrl(serverUrl, token),
    callbacks: {
      onEvent(event) {
        buffer.push(event);
        flushTimer ??= setTimeout(flush, 100);
      },
      onServerError(code) {
        // The server could not replay what this page missed (pruned or too much): start over from now.
        if (code === 'resync') refreshAll();
      },
      onGpu(message) {
        useTelemetry.getState().applyGpu(message);
      },
      onStatus(status, detail) {
        useConnection.getState().setStatus(status, detail.retryInMs ?? null, detail.lastEventId);
        // Resuming from the last event id replays what was missed, except before any event was seen.
        if (status === 'open' && (!detail.reconnected || detail.lastEventId === 0)) refreshAll();
      },
    },
  });
  socket.start();
}

export function stopLive(): void {
  socket?.stop();
  socket = null;
}

export function liveConnection(): { serverUrl: string; token: string | null } {
  if (!connection) throw new Error('the live connection is not started');
  return connection;
}

export function onEvents(listener: EventsListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function followLog(jobId: number, attempt: number, offset: number, follower: LogFollower): () => void {
  if (!socket) throw new Error('the live connection is not started');
  return socket.followLog(jobId, attempt, offset, follower);
}
