import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const NAVIGATE = 'gantry:navigate';
// Electron loads the renderer from a file, where paths are the file's own; routes then live in the hash.
const hashMode = window.location.protocol === 'file:';

function subscribe(callback: () => void): () => void {
  window.addEventListener('popstate', callback);
  window.addEventListener('hashchange', callback);
  window.addEventListener(NAVIGATE, callback);
  return () => {
    window.removeEventListener('popstate', callback);
    window.removeEventListener('hashchange', callback);
    window.removeEventListener(NAVIGATE, callback);
  };
}

function currentHref(): string {
  return hashMode ? window.location.hash.slice(1) || '/' : window.location.pathname + window.location.search;
}

/** The current location; re-renders on back/forward and on `navigate`. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, currentHref);
  const url = new URL(href, 'http://x');
  return { pathname: url.pathname, search: url.search };
}

export function hrefFor(to: string): string {
  return hashMode ? `#${to}` : to;
}

export function navigate(to: string, replace = false): void {
  if (to === currentHref()) return;
  if (replace) window.history.replaceState(null, '', hrefFor(to));
  else window.history.pushState(null, '', hrefFor(to));
  window.dispatchEvent(new Event(NAVIGATE));
}

/** An anchor that navigates in-page but still opens in a new tab on middle or modified clicks. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={hrefFor(to)} onClick={handle} {...rest} />;
}
