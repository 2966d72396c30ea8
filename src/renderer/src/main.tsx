// First: before any module defines a zod schema (see zodJitless.ts).
import './zodJitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { App } from './App';
import { loadSession } from './api/session';
import { useConnection } from './stores/connection';
import { applyTheme, storedTheme } from './logic/theme';

applyTheme(storedTheme());
const session = loadSession();
useConnection.getState().patch({ serverUrl: session.serverUrl, token: session.token, embedded: session.embedded });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
