import type { Client } from 'ssh2';
import { runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';
import type { RemoteLayout } from './remoteLayout';

/**
 * Starts the agent so it outlives the SSH session: a transient `systemd-run --user` unit where the
 * user has a systemd manager, else `setsid nohup` with stdin, stdout and stderr off the channel.
 * $1 root, $2 mode, $3 unit name, then the agent's argv. The token travels in a file, never in argv.
 */
const START_SCRIPT = `
root=$1; mode=$2; unit=$3; shift 3
mkdir -p "$root/run"
log="$root/agent.log"
if [ "$mode" = systemd ]; then
  systemctl --user stop "$unit" >/dev/null 2>&1
  systemctl --user reset-failed "$unit" >/dev/null 2>&1
  systemd-run --user --quiet --collect --unit="$unit" sh -c 'exec "$@" >>"$0" 2>&1 </dev/null' "$log" "$@" || exit 1
  printf '%s\\n' "$unit" > "$root/run/agent.unit"
  rm -f "$root/run/agent.pid"
else
  if command -v setsid >/dev/null 2>&1; then
    setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  else
    nohup "$@" >>"$log" 2>&1 </dev/null &
  fi
  printf '%s\\n' "$!" > "$root/run/agent.pid"
  rm -f "$root/run/agent.unit"
fi
`;

/**
 * Stops the agent with SIGTERM (it hands its running jobs back) and waits up to $2 seconds, then
 * SIGKILL. A pid file whose process is no longer our agent (pid reused) is ignored.
 */
const STOP_SCRIPT = `
root=$1; wait_s=$2
if [ -f "$root/run/agent.unit" ]; then
  systemctl --user stop "$(cat "$root/run/agent.unit")" >/dev/null 2>&1
  rm -f "$root/run/agent.unit"
  exit 0
fi
[ -f "$root/run/agent.pid" ] || exit 0
pid=$(cat "$root/run/agent.pid")
ours() { kill -0 "$pid" 2>/dev/null && { [ ! -r "/proc/$pid/cmdline" ] || grep -q gantry-agent "/proc/$pid/cmdline"; }; }
if ours; then
  kill -TERM "$pid"
  i=0
  while ours && [ "$i" -lt $((wait_s * 5)) ]; do sleep 0.2 2>/dev/null || sleep 1; i=$((i + 1)); done
  ours && kill -KILL "$pid"
fi
rm -f "$root/run/agent.pid"
`;

const RUNNING_SCRIPT = `
root=$1
if [ -f "$root/run/agent.unit" ]; then systemctl --user is-active --quiet "$(cat "$root/run/agent.unit")" && echo yes; exit 0; fi
[ -f "$root/run/agent.pid" ] || exit 0
pid=$(cat "$root/run/agent.pid")
kill -0 "$pid" 2>/dev/null && { [ ! -r "/proc/$pid/cmdline" ] || grep -q gantry-agent "/proc/$pid/cmdline"; } && echo yes
exit 0
`;

export function agentUnitName(hostName: string): string {
  return `gantry-agent-${hostName.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export async function startRemoteAgent(client: Client, layout: RemoteLayout, argv: string[], options: { systemd: boolean; unit: string }): Promise<void> {
  await runRemote(client, shScript(START_SCRIPT, [layout.root, options.systemd ? 'systemd' : 'setsid', options.unit, ...argv]), 'starting the agent');
}

export async function stopRemoteAgent(client: Client, layout: RemoteLayout, waitSeconds = 30): Promise<void> {
  await runRemote(client, shScript(STOP_SCRIPT, [layout.root, String(waitSeconds)]), 'stopping the agent', (waitSeconds + 15) * 1000);
}

export async function remoteAgentRunning(client: Client, layout: RemoteLayout): Promise<boolean> {
  return (await runRemote(client, shScript(RUNNING_SCRIPT, [layout.root]), 'checking the agent')).trim() === 'yes';
}

export async function tailAgentLog(client: Client, layout: RemoteLayout, lines: number): Promise<string> {
  return runRemote(client, shScript('[ -f "$1" ] && tail -n "$2" "$1"; exit 0', [layout.logFile, String(lines)]), 'reading the agent log');
}

/** Removes ~/.gantry and nothing else: the path is checked on this side and again on the host. */
export async function removeGantryDir(client: Client, layout: RemoteLayout): Promise<void> {
  if (!layout.root.endsWith('/.gantry')) throw new Error(`refusing to remove ${layout.root}: not a .gantry directory`);
  await runRemote(client, shScript('case "$1" in */.gantry) rm -rf -- "$1" ;; *) exit 3 ;; esac', [layout.root]), 'removing ~/.gantry');
}
