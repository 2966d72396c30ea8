import { config } from 'zod';

// zod probes for eval (new Function) to compile faster parsers, and decides when each schema is
// created, at import time. The page's Content-Security-Policy forbids eval, so the probe itself is a
// CSP violation: turn it off here, in a module main.tsx imports first, before any schema exists.
config({ jitless: true });
