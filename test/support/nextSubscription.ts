import type { Coordinator } from '../../src/core/api';

/** Resolves when the next listener subscribes to the coordinator: the long-poll parks that way once its first claim finds nothing. */
export function nextSubscription(coordinator: Coordinator): Promise<void> {
  const original = coordinator.subscribe;
  return new Promise((resolve) => {
    coordinator.subscribe = (listener) => {
      coordinator.subscribe = original;
      const unsubscribe = original(listener);
      resolve();
      return unsubscribe;
    };
  });
}
