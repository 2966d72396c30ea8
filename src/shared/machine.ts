/**
 * Names one machine, so a worker can tell whether a job's `cwd` is a path on its own filesystem.
 * The machine id (systemd's /etc/machine-id) tells hosts that share a name apart; the hostname
 * tells apart containers started from one image, which share its machine id. Both sides (the CLI
 * that submits, the agent that runs) read them and build the name here, so they agree.
 */
export function machineName(hostname: string, machineId: string | null): string {
  return `${hostname}/${machineId?.trim() || '-'}`;
}
