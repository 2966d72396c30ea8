import { spawn, type ChildProcess } from 'node:child_process';

/** Where and how to reach a cluster: the user's kubeconfig context, a namespace, and the kubectl to run. */
export interface KubectlTarget {
  context: string;
  namespace: string;
  /** The kubectl executable; default `kubectl` on PATH. */
  kubectl?: string;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `--context` and `-n` first on every call, so no call ever falls back to the kubeconfig's current context. */
export function kubectlArgs(target: KubectlTarget, args: string[]): string[] {
  return ['--context', target.context, '-n', target.namespace, ...args];
}

export function spawnKubectl(target: KubectlTarget, args: string[]): ChildProcess {
  return spawn(target.kubectl ?? 'kubectl', kubectlArgs(target, args), { stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs kubectl to the end, feeding `input` on stdin; never throws for a non-zero exit (the caller reads `code`). */
export function runKubectl(target: KubectlTarget, args: string[], input?: string): Promise<KubectlResult> {
  const child = spawnKubectl(target, args);
  child.stdin?.end(input ?? '');
  return collectOutput(child);
}

/** A CLI child's exit code and whole output once it closes; a spawn failure resolves with code null and its message in stderr. */
export function collectOutput(child: ChildProcess): Promise<KubectlResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** kubectl's own complaint, one line, for an attempt's error. */
export function kubectlFailure(what: string, result: KubectlResult): Error {
  const detail = result.stderr.trim().split('\n').pop() ?? '';
  return new Error(`kubectl ${what} failed${result.code === null ? '' : ` (exit ${result.code})`}${detail ? `: ${detail}` : ''}`);
}
