import type { Client } from 'ssh2';
import { runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';

/** Copies of synced directories a host keeps beyond those unfinished jobs use (GANTRY_SYNC_KEEP). */
export const DEFAULT_SYNC_KEEP = 5;

/**
 * In $1 (~/.gantry/sync), keeps the $2 copies used last (a sync of a tree already there touches it)
 * and every copy named after them, removes the other `sha256-…` copies and prints their names.
 * Uploads in progress (`….partial.PID`) are not copies yet and are left alone; those whose
 * unpacking process is gone (an upload cut off or stopped) are removed, silently.
 */
const PRUNE_SCRIPT = `
dir=$1; keep=$2; shift 2
[ -d "$dir" ] || exit 0
cd "$dir" || exit 1
n=0
for name in $(ls -1t); do
  case "$name" in sha256-*.partial.*)
    pid=\${name##*.}
    case "$pid" in ''|*[!0-9]*) continue ;; esac
    kill -0 "$pid" 2>/dev/null || rm -rf -- "$name"
    continue ;;
  esac
  case "$name" in *.*|*[!A-Za-z0-9-]*) continue ;; sha256-*) ;; *) continue ;; esac
  n=$((n + 1))
  [ "$n" -le "$keep" ] && continue
  for used in "$@"; do [ "$used" = "$name" ] && continue 2; done
  rm -rf -- "$name" && echo "$name"
done
exit 0
`;

/** The content address a job's cwd points into, when it is a synced copy (`~/.gantry/sync/<hash>[/sub]`). */
export function syncHashOf(cwd: string): string | null {
  return /(?:^|\/)\.gantry\/sync\/(sha256-[0-9a-f]+)(?:\/|$)/.exec(cwd)?.[1] ?? null;
}

/**
 * Removes the host's old synced copies: those outside the `keep` used last and not named in
 * `inUse` (copies queued or running jobs run in). Returns the names removed.
 */
export async function pruneSyncCopies(client: Client, syncRoot: string, keep: number, inUse: readonly string[]): Promise<string[]> {
  const out = await runRemote(client, shScript(PRUNE_SCRIPT, [syncRoot, String(keep), ...inUse]), 'removing old synced copies');
  return out.split('\n').filter((line) => line !== '');
}
