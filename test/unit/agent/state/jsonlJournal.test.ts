import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../../src/agent/state/jsonlJournal';

type Line = { n: number };
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-journal-'));
  file = join(dir, 'j.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonlJournal', () => {
  it('reads back what it appended, each line with its length, and tracks the file size', () => {
    const journal = new JsonlJournal<Line>(file);
    const bytes = journal.append({ n: 1 }) + journal.append({ n: 22 });
    journal.close();
    expect(journal.size).toBe(bytes);
    expect(statSync(file).size).toBe(bytes);
    const again = new JsonlJournal<Line>(file);
    expect(again.takeEntries()).toEqual([{ line: { n: 1 }, bytes: 8 }, { line: { n: 22 }, bytes: 9 }]);
    expect(again.takeEntries()).toEqual([]);
  });

  it('skips a line torn by a crash and lines that are not objects, and never continues the torn line', () => {
    writeFileSync(file, '{"n":1}\nnull\n7\n{"n":2}\n{"n":');
    const journal = new JsonlJournal<Line>(file);
    expect(journal.takeEntries().map((entry) => entry.line)).toEqual([{ n: 1 }, { n: 2 }]);
    journal.append({ n: 3 });
    journal.close();
    expect(new JsonlJournal<Line>(file).takeEntries().map((entry) => entry.line)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('rewrites itself with only the lines given, then appends after them', () => {
    const journal = new JsonlJournal<Line>(file);
    for (let n = 0; n < 10; n++) journal.append({ n });
    journal.rewrite([{ n: 8 }, { n: 9 }]);
    journal.append({ n: 10 });
    journal.close();
    expect(readFileSync(file, 'utf8')).toBe('{"n":8}\n{"n":9}\n{"n":10}\n');
    expect(journal.size).toBe(statSync(file).size);
  });
});
