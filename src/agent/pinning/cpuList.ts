/** Linux CPU lists as taskset, cgroups and /proc print them: `0-3,8,10-11`. */
export function parseCpuList(text: string): number[] {
  const cores = new Set<number>();
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new Error(`not a CPU list: "${text}"`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (let core = from; core <= to; core++) cores.add(core);
  }
  return [...cores].sort((a, b) => a - b);
}

export function formatCpuList(cores: readonly number[]): string {
  const sorted = [...new Set(cores)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i];
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i] + 1) i++;
    parts.push(start === sorted[i] ? String(start) : `${start}-${sorted[i]}`);
  }
  return parts.join(',');
}

/** `Cpus_allowed_list` of a /proc/<pid>/status text: the cores that process may run on. */
export function allowedCpus(procStatus: string): number[] | null {
  const line = procStatus.split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
  return line ? parseCpuList(line.slice('Cpus_allowed_list:'.length)) : null;
}
