import { lazy, Suspense, useEffect, useMemo, useRef } from 'react';
import { useConnection } from './stores/connection';
import { setApi, createApi } from './api/client';
import { refreshAll, startLive, stopLive } from './api/live';
import { Link, navigate, useLocation } from './router';
import { goSequence, matchRoute, type Route } from './logic/routes';
import { isTyping } from './logic/keys';
import { Toasts } from './components/Toasts';
import { TokenGate } from './pages/TokenGate';
import { OverviewPage } from './pages/OverviewPage';
import { JobsPage } from './pages/JobsPage';
import { SubmitPage } from './pages/SubmitPage';
import { WorkersPage } from './pages/WorkersPage';
import { HostsPage } from './pages/HostsPage';
import { SuitesPage } from './pages/SuitesPage';
import { ModelsPage } from './pages/ModelsPage';
import { DatasetsPage } from './pages/DatasetsPage';
import { SettingsPage } from './pages/SettingsPage';
import { StatisticsPage } from './pages/StatisticsPage';
import { ComparePage } from './pages/ComparePage';
import { EmptyState } from './components/EmptyState';
import { ErrorBoundary } from './components/ErrorBoundary';

// The terminal emulator (xterm.js) is only on these pages; loading them on demand keeps it out of the first paint.
const JobDetailPage = lazy(() => import('./pages/JobDetailPage').then((m) => ({ default: m.JobDetailPage })));
const TerminalPage = lazy(() => import('./pages/TerminalPage').then((m) => ({ default: m.TerminalPage })));

const NAV: Array<{ to: string; label: string; key: string; page: Route['page'][] }> = [
  { to: '/', label: 'Overview', key: 'g o', page: ['overview'] },
  { to: '/jobs', label: 'Jobs', key: 'g j', page: ['jobs', 'job'] },
  { to: '/submit', label: 'Submit', key: 'g s', page: ['submit'] },
  { to: '/workers', label: 'Workers & GPUs', key: 'g w', page: ['workers'] },
  { to: '/hosts', label: 'Hosts', key: '', page: ['hosts'] },
  { to: '/suites', label: 'Suites', key: '', page: ['suites'] },
  { to: '/models', label: 'Models', key: '', page: ['models'] },
  { to: '/datasets', label: 'Datasets', key: '', page: ['datasets'] },
  { to: '/statistics', label: 'Statistics', key: '', page: ['statistics'] },
  { to: '/compare', label: 'Compare', key: '', page: ['compare'] },
  { to: '/terminal', label: 'Terminal', key: 'g t', page: ['terminal'] },
  { to: '/settings', label: 'Settings', key: 'g ,', page: ['settings'] },
];

function useShortcuts(): void {
  const pending = useRef<string | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e)) return;
      if (e.key === '/') {
        const filter = document.querySelector<HTMLInputElement>('[data-shortcut="filter"]');
        e.preventDefault();
        if (filter) filter.focus();
        else navigate('/jobs');
        return;
      }
      const result = goSequence(pending.current, e.key);
      pending.current = result === 'pending' ? 'g' : null;
      if (result && result !== 'pending') {
        e.preventDefault();
        navigate(result);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function ConnectionBadge() {
  const status = useConnection((s) => s.status);
  const retryInMs = useConnection((s) => s.retryInMs);
  const text =
    status === 'open' ? 'Live' : status === 'retrying' ? `Reconnecting in ${Math.ceil((retryInMs ?? 0) / 1000)}s` : status === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span title="Live connection to the coordinator" data-testid="connection" data-status={status}>
      <span className={`dot ${status}`} /> {text}
    </span>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'jobs':
      return <JobsPage />;
    case 'job':
      return <JobDetailPage key={route.id} id={route.id} />;
    case 'submit':
      return <SubmitPage />;
    case 'workers':
      return <WorkersPage />;
    case 'hosts':
      return <HostsPage />;
    case 'suites':
      return <SuitesPage />;
    case 'models':
      return <ModelsPage />;
    case 'datasets':
      return <DatasetsPage />;
    case 'settings':
      return <SettingsPage />;
    case 'statistics':
      return <StatisticsPage />;
    case 'terminal':
      return <TerminalPage />;
    case 'compare':
      return <ComparePage id={route.id} />;
    case 'not_found':
      return (
        <div className="page">
          <EmptyState title="Nothing here">
            <p>
              <code>{route.path}</code> is not a page of the console. <Link to="/">Go to the overview</Link>.
            </p>
          </EmptyState>
        </div>
      );
  }
}

export function App() {
  const serverUrl = useConnection((s) => s.serverUrl);
  const token = useConnection((s) => s.token);
  const unauthorized = useConnection((s) => s.unauthorized);
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  useShortcuts();

  // Configured during render, not in an effect: pages' effects run before their parent's and already call the API.
  useMemo(() => {
    if (token) setApi(createApi(serverUrl, token, () => useConnection.getState().patch({ unauthorized: true })));
  }, [serverUrl, token]);

  useEffect(() => {
    if (!token || unauthorized) return;
    refreshAll();
    startLive(serverUrl, token);
    return stopLive;
  }, [serverUrl, token, unauthorized]);

  if (!token || unauthorized) return <TokenGate />;

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Pages">
        <div className="brand">
          <span className="brand-mark" /> Gantry
        </div>
        {NAV.map((item) => (
          <Link key={item.to} to={item.to} className={`nav-link ${item.page.includes(route.page) ? 'active' : ''}`}>
            {item.label} {item.key && <kbd>{item.key}</kbd>}
          </Link>
        ))}
        <div className="sidebar-foot">
          <ConnectionBadge />
          <span>
            <kbd>/</kbd> filter jobs
          </span>
        </div>
      </nav>
      <main className="main">
        <ErrorBoundary resetKey={pathname}>
          <Suspense fallback={<div className="page" />}>
            <Page route={route} />
          </Suspense>
        </ErrorBoundary>
      </main>
      <Toasts />
    </div>
  );
}
