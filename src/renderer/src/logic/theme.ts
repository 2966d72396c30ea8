/** `system` follows prefers-color-scheme; the other two pin a theme for this browser. */
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'gantry.theme';

export function storedTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') {
    delete document.documentElement.dataset.theme;
    localStorage.removeItem(KEY);
  } else {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(KEY, theme);
  }
}

/** Whether the page is dark right now, for widgets (xterm, charts) that need concrete colours. */
export function isDark(): boolean {
  const pinned = document.documentElement.dataset.theme;
  if (pinned) return pinned === 'dark';
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}
