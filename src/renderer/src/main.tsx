import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config } from 'zod';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { App } from './App';
import { loadSession } from './api/session';
import { useConnection } from './stores/connection';
import { applyTheme, storedTheme } from './logic/theme';

// zod probes for eval to compile faster parsers; the page's CSP forbids eval, so skip the probe and its console error.
config({ jitless: true });
applyTheme(storedTheme());
const session = loadSession();
useConnection.getState().patch({ serverUrl: session.serverUrl, token: session.token, embedded: session.embedded });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
