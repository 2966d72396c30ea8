import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_HELPER_SOURCE } from '../../../../src/agent/artifacts/pythonHelperSource';

describe('the embedded Python helper', () => {
  it('is resources/python/gantry_job.py as it stands (run scripts/embed-python-helper.mjs after editing it)', () => {
    const file = readFileSync(join(__dirname, '../../../../resources/python/gantry_job.py'), 'utf8');
    expect(PYTHON_HELPER_SOURCE).toBe(file);
  });
});
