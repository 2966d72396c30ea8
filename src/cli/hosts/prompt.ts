import { createInterface } from 'node:readline';

/** Asks one question on the terminal; `hidden` keeps a passphrase off the screen. */
export function ask(question: string, hidden = false): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: true });
    if (hidden) {
      // readline echoes what it reads through _writeToOutput; swallowing it hides the passphrase.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.includes(question)) output.write(s);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) output.write('\n');
      resolve(answer);
    });
  });
}

export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}
