import { fileURLToPath } from 'node:url';

/**
 * The package's root directory. This file sits two levels below it (src/cli/), and so does the
 * bundle the build makes of the CLI (out/cli/gantry.js), so the same relative URL is right in both.
 * Paths elsewhere in the CLI derive from here instead of from their own location, which moves when bundled.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
