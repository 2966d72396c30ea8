/** Decodes the base64 a log message carries; bytes stay bytes so xterm decodes UTF-8 split across chunks. */
export function decodeBase64(data: string): Uint8Array {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * After a resume the server may resend bytes we already have; keep only what lies past `have`.
 * Returns null when the whole chunk is a repeat.
 */
export function newLogBytes(have: number, chunkOffset: number, bytes: Uint8Array): Uint8Array | null {
  const end = chunkOffset + bytes.length;
  if (end <= have) return null;
  return chunkOffset >= have ? bytes : bytes.subarray(have - chunkOffset);
}

/** SGR codes around stderr: a red foreground, then back to the default foreground. */
const STDERR_ON = [0x1b, 0x5b, 0x33, 0x31, 0x6d];
const STDERR_OFF = [0x1b, 0x5b, 0x33, 0x39, 0x6d];

/**
 * Wraps the bytes the job wrote to stderr in a red foreground, so the interleaved terminal shows
 * which stream each line came from. `at` is the log offset of `bytes[0]`; `stderr` holds log
 * offsets, and may reach outside these bytes (a chunk the client had in part already).
 * The job's own colours still apply: an SGR reset inside stderr ends the tint early.
 */
export function tintStderr(bytes: Uint8Array, at: number, stderr: Array<[number, number]>): Uint8Array {
  const end = at + bytes.length;
  const ranges = stderr.map(([s, e]) => [Math.max(s, at) - at, Math.min(e, end) - at]).filter(([s, e]) => e > s);
  if (ranges.length === 0) return bytes;
  const out = new Uint8Array(bytes.length + ranges.length * (STDERR_ON.length + STDERR_OFF.length));
  let written = 0;
  let read = 0;
  for (const [s, e] of ranges) {
    out.set(bytes.subarray(read, s), written);
    written += s - read;
    out.set(STDERR_ON, written);
    written += STDERR_ON.length;
    out.set(bytes.subarray(s, e), written);
    written += e - s;
    out.set(STDERR_OFF, written);
    written += STDERR_OFF.length;
    read = e;
  }
  out.set(bytes.subarray(read), written);
  return out;
}
