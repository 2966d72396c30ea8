import { describe, expect, it } from 'vitest';
import { useConnection } from '../../../src/renderer/src/stores/connection';

describe('the connection store', () => {
  it('counts the events received, batch by batch, and keeps the last id', () => {
    const before = useConnection.getState().eventsReceived;
    useConnection.getState().receivedEvents(3, 10);
    useConnection.getState().receivedEvents(2, 12);
    expect(useConnection.getState().eventsReceived - before).toBe(5);
    expect(useConnection.getState().lastEventId).toBe(12);
  });
});
