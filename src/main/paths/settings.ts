import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** What a user may set in settings.json; everything is optional. */
export const Settings = z.strictObject({
  /** Fixed port so remote agents and scripts find the app across restarts; absent: any free port. */
  port: z.number().int().min(1).max(65_535).optional(),
  /** Listen address; loopback unless the user asks for another on purpose (DESIGN.md, Security). */
  host: z.string().min(1).default('127.0.0.1'),
});
export type Settings = z.infer<typeof Settings>;

export class SettingsError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'SettingsError';
  }
}

/** Reads the settings file; a missing file means defaults, a malformed one is an error naming the file. */
export function readSettings(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Settings.parse({});
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SettingsError(file, `${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}
