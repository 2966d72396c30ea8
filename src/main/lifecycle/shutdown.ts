/** One step of shutting down, in the order given: stop the worker before the server it reports to, close SQLite last. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownFailure {
  step: string;
  error: unknown;
}

/**
 * Runs the steps once, in order, each bounded by a timeout, and carries on past a failing step
 * so one stuck part cannot keep SQLite open. Failures are returned for the caller to report.
 * Calling it again returns the same run, because Electron fires before-quit more than once.
 */
export function createShutdown(steps: readonly ShutdownStep[], options: { stepTimeoutMs: number }): () => Promise<ShutdownFailure[]> {
  let running: Promise<ShutdownFailure[]> | null = null;
  const runStep = (step: ShutdownStep): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${step.name} did not finish within ${options.stepTimeoutMs} ms`)), options.stepTimeoutMs);
    });
    return Promise.race([Promise.resolve().then(step.run), timeout]).finally(() => clearTimeout(timer));
  };
  return () => {
    running ??= (async () => {
      const failures: ShutdownFailure[] = [];
      for (const step of steps) {
        try {
          await runStep(step);
        } catch (error) {
          failures.push({ step: step.name, error });
        }
      }
      return failures;
    })();
    return running;
  };
}
