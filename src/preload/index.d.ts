import type { GantryApi } from '../shared';

declare global {
  interface Window {
    /** Present in the desktop app only; a browser talking to `gantry serve` has none. */
    gantry?: GantryApi;
  }
}

export type { GantryApi };
