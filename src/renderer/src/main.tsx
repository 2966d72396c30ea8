// First of all: takes the token out of the address before anything else runs.
import { bootSession as session } from './api/bootstrapSession';
// Then, before any module defines a zod schema (see zodJitless.ts).
import './zodJitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { App } from './App';
import { useConnection } from './stores/connection';
import { applyTheme, storedTheme } from './logic/theme';

applyTheme(storedTheme());
useConnection.getState().patch({ serverUrl: session.serverUrl, token: session.token, embedded: session.embedded });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
