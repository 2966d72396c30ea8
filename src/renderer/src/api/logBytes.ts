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
