/**
 * What the desktop shell offers the renderer as `window.gantry`. Types only, so the renderer's
 * typecheck (tsconfig.web.json) sees them without the preload's Electron imports.
 */
export interface GantryConfig {
  /** Origin of the embedded server, e.g. http://127.0.0.1:4123; REST and the WebSocket live there. */
  serverUrl: string;
  /** Admin token for that server. */
  token: string;
}

export interface FileDialogOptions {
  title?: string;
  defaultPath?: string;
  /** e.g. [{ name: 'SSH keys', extensions: ['pem', 'key', '*'] }] */
  filters?: Array<{ name: string; extensions: string[] }>;
  directory?: boolean;
  multiple?: boolean;
  /** Show dotfiles (~/.ssh) in the dialog. */
  showHidden?: boolean;
}

export interface TerminalOpenOptions {
  cols: number;
  rows: number;
  cwd?: string;
}

export interface LocalTerminalApi {
  /** Starts the user's shell on this machine; rejects when node-pty is unavailable. */
  open(options: TerminalOpenOptions): Promise<{ id: string }>;
  write(id: string, data: string): void;
  resize(id: string, cols: number, rows: number): void;
  close(id: string): void;
  /** Output of every terminal this window opened; returns an unsubscribe function. */
  onData(listener: (id: string, data: string) => void): () => void;
  onExit(listener: (id: string, exitCode: number) => void): () => void;
}

export interface GantryApi extends GantryConfig {
  /** Absolute paths chosen; empty when the user cancelled. */
  openFileDialog(options?: FileDialogOptions): Promise<string[]>;
  revealInFolder(path: string): Promise<void>;
  /** A desktop notification; clicking it opens the job when `jobId` is given. */
  notify(title: string, body: string, jobId?: number): void;
  terminal: LocalTerminalApi;
}
