import type { Client } from 'ssh2';
import type { HostProbe } from '../../shared';
import { runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';

/**
 * One round trip: each fact on a `key=value` line, GPUs as `gpu=index, name, memory` lines from
 * nvidia-smi. Every probe is allowed to fail on its own; a missing tool leaves its value empty.
 */
const PROBE_SCRIPT = `
printf 'home=%s\\n' "$HOME"
printf 'os=%s\\n' "$(uname -s 2>/dev/null)"
printf 'arch=%s\\n' "$(uname -m 2>/dev/null)"
printf 'cpus=%s\\n' "$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"
mem=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)
[ -n "$mem" ] || mem=$(( $(sysctl -n hw.memsize 2>/dev/null || echo 0) / 1024 ))
printf 'mem_kb=%s\\n' "$mem"
printf 'node=%s\\n' "$(node --version 2>/dev/null)"
printf 'disk_kb=%s\\n' "$(df -Pk "$HOME" 2>/dev/null | awk 'NR==2 {print $4}')"
if systemctl --user show-environment >/dev/null 2>&1 && command -v systemd-run >/dev/null 2>&1; then echo systemd=1; else echo systemd=0; fi
nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits 2>/dev/null | sed 's/^/gpu=/'
exit 0
`;

function toInt(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** Parses the probe script's output; exported for tests with recorded output. */
export function parseProbe(output: string): HostProbe {
  const facts = new Map<string, string>();
  const gpus: HostProbe['gpus'] = [];
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'gpu') {
      const [index, model, memory] = value.split(',').map((part) => part.trim());
      const i = toInt(index);
      if (i !== null) gpus.push({ index: i, model: model ?? '', memory_total_mb: toInt(memory) });
    } else facts.set(key, value);
  }
  const memKb = toInt(facts.get('mem_kb'));
  const diskKb = toInt(facts.get('disk_kb'));
  return {
    os: facts.get('os') ?? '',
    arch: facts.get('arch') ?? '',
    cpus: toInt(facts.get('cpus')),
    memory_mb: memKb === null || memKb === 0 ? null : Math.floor(memKb / 1024),
    gpus,
    node_version: /^v\d+\./.test(facts.get('node') ?? '') ? facts.get('node')! : null,
    disk_free_mb: diskKb === null ? null : Math.floor(diskKb / 1024),
    home: facts.get('home') ?? '',
    systemd_user: facts.get('systemd') === '1',
  };
}

/** OS, arch, CPUs, memory, GPUs, Node version, free disk and the home directory of the host. */
export async function probeHost(client: Client): Promise<HostProbe> {
  const probe = parseProbe(await runRemote(client, shScript(PROBE_SCRIPT), 'probing the host', 30_000));
  if (!probe.home.startsWith('/')) throw new Error(`the host reported no usable home directory (${JSON.stringify(probe.home)})`);
  return probe;
}

/** The major version of a `vNN.x.y` string. */
export function nodeMajor(version: string | null): number | null {
  const match = version ? /^v(\d+)\./.exec(version) : null;
  return match ? Number(match[1]) : null;
}
