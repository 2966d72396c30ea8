import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../../../src/cli/exitCodes';
import { describeFailure } from '../../../src/cli/failure';
import { ApiError } from '../../../src/shared';

describe('describeFailure', () => {
  it('maps a 4xx refusal to exit 3 and names the field', () => {
    expect(describeFailure(new ApiError('invalid_request', 'requirements.gpus: too big', 400, 'requirements.gpus'))).toEqual({
      exitCode: EXIT.apiRefused,
      message: 'error: requirements.gpus: too big (field: requirements.gpus)',
    });
    expect(describeFailure(new ApiError('not_found', 'job 9 does not exist', 404)).message).toBe('error: job 9 does not exist');
  });

  it('maps a 5xx answer to exit 4', () => {
    expect(describeFailure(new ApiError('internal', 'boom', 500)).exitCode).toBe(EXIT.unreachable);
  });

  it('maps a refused connection and a timeout to exit 4 with a hint', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(describeFailure(refused)).toEqual({ exitCode: EXIT.unreachable, message: 'error: cannot reach the coordinator (ECONNREFUSED); is `gantry serve` running?' });
    expect(describeFailure(new DOMException('timed out', 'TimeoutError')).exitCode).toBe(EXIT.unreachable);
  });

  it('maps commander errors to exit 2, except help and version which exit 0, without printing again', () => {
    expect(describeFailure(new CommanderError(1, 'commander.unknownOption', 'x'))).toEqual({ exitCode: EXIT.usage, message: null });
    expect(describeFailure(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toEqual({ exitCode: EXIT.ok, message: null });
  });

  it('keeps a CliError exit code and prints nothing for an empty message', () => {
    expect(describeFailure(new CliError(EXIT.waitTimeout, ''))).toEqual({ exitCode: EXIT.waitTimeout, message: null });
  });
});
