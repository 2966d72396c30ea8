import { waitFor } from './waitFor';

/** How much output has come once it stops growing: the same length at two looks a quarter second apart. */
export async function settledLength(length: () => number): Promise<number> {
  let previous = -1;
  return waitFor(async () => {
    const now = length();
    // waitFor wants a truthy value; a settled length of 0 is one too.
    if (now === previous) return now + 1;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 250));
    return false;
  }, 'the output to stop growing').then((settled) => settled - 1);
}
