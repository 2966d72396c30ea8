/** `system` follows prefers-color-scheme; the other two pin a theme for this browser. */
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'gantry.theme';

export function storedTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

let chosen: Theme = 'system';
let systemScheme: MediaQueryList | null = null;

const resolved = (theme: Theme): 'light' | 'dark' => (theme === 'system' ? (systemScheme?.matches ? 'dark' : 'light') : theme);

/**
 * The page always carries the resolved theme in `data-theme`, so the stylesheet holds one dark
 * palette; with `system` it follows the OS as it changes.
 */
export function applyTheme(theme: Theme): void {
  if (!systemScheme) {
    systemScheme = window.matchMedia('(prefers-color-scheme: dark)');
    systemScheme.addEventListener('change', () => {
      if (chosen === 'system') document.documentElement.dataset.theme = resolved('system');
    });
  }
  chosen = theme;
  document.documentElement.dataset.theme = resolved(theme);
  if (theme === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, theme);
}

/** Whether the page is dark right now, for widgets (xterm, charts) that need concrete colours. */
export function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark';
}
