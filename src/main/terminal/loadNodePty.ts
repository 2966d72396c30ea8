import type * as NodePty from 'node-pty';

export type NodePtyModule = typeof NodePty;

/**
 * node-pty is a native module: a build for the wrong ABI or a missing prebuilt throws at load
 * time. Callers fall back (pipes for jobs, no local terminal) and show `error` to the user.
 */
export async function loadNodePty(): Promise<{ pty: NodePtyModule; error: null } | { pty: null; error: Error }> {
  try {
    const pty = await import('node-pty');
    return { pty, error: null };
  } catch (error) {
    return { pty: null, error: error as Error };
  }
}
