/**
 * main.tsx imports this module first, so a `?token=` leaves the address bar and the history entry
 * (history.replaceState) before any other module of the page runs or could read or log the address.
 */
import { loadSession } from './session';

export const bootSession = loadSession();
