import { z } from 'zod';

/**
 * The shape of every payload on the desktop shell's IPC channels (ipcChannels.ts). The preload's
 * `window.gantry` types come from these schemas; src/main parses every payload with them, since
 * the renderer is untrusted.
 */
export const GantryConfigSchema = z.strictObject({
  /** Origin of the embedded server, e.g. http://127.0.0.1:4123; REST and the WebSocket live there. */
  serverUrl: z.string(),
  /** Admin token for that server. */
  token: z.string(),
});
export type GantryConfig = z.infer<typeof GantryConfigSchema>;

export const FileDialogOptionsSchema = z.strictObject({
  title: z.string().max(200).optional(),
  defaultPath: z.string().max(4096).optional(),
  /** e.g. [{ name: 'SSH keys', extensions: ['pem', 'key', '*'] }] */
  filters: z.array(z.strictObject({ name: z.string().max(100), extensions: z.array(z.string().max(20)).max(50) })).max(20).optional(),
  directory: z.boolean().optional(),
  multiple: z.boolean().optional(),
  /** Show dotfiles (~/.ssh) in the dialog. */
  showHidden: z.boolean().optional(),
});
export type FileDialogOptions = z.infer<typeof FileDialogOptionsSchema>;

/** A path to reveal in the file manager; main also checks that it is absolute on its platform. */
export const RevealPathSchema = z.string().min(1).max(4096);

export const NotifyRequestSchema = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().max(2000),
  jobId: z.number().int().positive().nullable(),
});
export type NotifyRequest = z.infer<typeof NotifyRequestSchema>;

export const TerminalDimensionSchema = z.number().int().min(1).max(1000);
export const TerminalOpenOptionsSchema = z.strictObject({
  cols: TerminalDimensionSchema,
  rows: TerminalDimensionSchema,
  cwd: z.string().max(4096).optional(),
});
export type TerminalOpenOptions = z.infer<typeof TerminalOpenOptionsSchema>;

export const TerminalIdSchema = z.string().max(50);
/** One write to a local shell; keystrokes and pastes, so a megabyte is plenty. */
export const TerminalInputSchema = z.string().max(1 << 20);

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

/** What the desktop shell offers the renderer as `window.gantry`. */
export interface GantryApi extends GantryConfig {
  /** Absolute paths chosen; empty when the user cancelled. */
  openFileDialog(options?: FileDialogOptions): Promise<string[]>;
  revealInFolder(path: string): Promise<void>;
  /** A desktop notification; clicking it opens the job when `jobId` is given. */
  notify(title: string, body: string, jobId?: number): void;
  terminal: LocalTerminalApi;
}
