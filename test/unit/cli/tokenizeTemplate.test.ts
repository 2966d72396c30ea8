import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../../../src/cli/exitCodes';
import { tokenizeTemplate } from '../../../src/cli/sweep/tokenizeTemplate';

describe('tokenizeTemplate', () => {
  it('splits on blanks like a shell, collapsing runs of spaces and tabs', () => {
    expect(tokenizeTemplate('  python  train.py\t--lr {lr} ')).toEqual(['python', 'train.py', '--lr', '{lr}']);
  });

  it('keeps single-quoted text literal, backslashes and $ included', () => {
    expect(tokenizeTemplate(`echo 'a b \\n $HOME "x"'`)).toEqual(['echo', 'a b \\n $HOME "x"']);
  });

  it('honours the escapes a shell honours inside double quotes and keeps other backslashes', () => {
    expect(tokenizeTemplate('echo "say \\"hi\\" \\\\ \\$x \\n"')).toEqual(['echo', 'say "hi" \\ $x \\n']);
  });

  it('joins adjacent quoted and bare parts into one argument', () => {
    expect(tokenizeTemplate(`--name=run-'{lr} x'"-{seed}"`)).toEqual(['--name=run-{lr} x-{seed}']);
  });

  it('keeps an empty quoted string as an empty argument', () => {
    expect(tokenizeTemplate(`cmd '' ""`)).toEqual(['cmd', '', '']);
  });

  it('escapes the next character with a backslash outside quotes', () => {
    expect(tokenizeTemplate('echo a\\ b \\|')).toEqual(['echo', 'a b', '|']);
  });

  it('expands nothing: variables, globs and tildes stay literal', () => {
    expect(tokenizeTemplate('ls $HOME ~/x *.py')).toEqual(['ls', '$HOME', '~/x', '*.py']);
  });

  it.each([
    [`echo 'open`, /unterminated single quote at column 6/],
    ['echo "open', /unterminated double quote at column 6/],
    ['echo \\', /trailing backslash/],
    ['python a.py | tee log', /unquoted \| .*quote it/],
    ['a; b', /unquoted ;/],
    ['a > out', /unquoted >/],
    ['   ', /empty command/],
  ])('refuses %j with a usage error', (template, message) => {
    let thrown: unknown;
    try {
      tokenizeTemplate(template);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).exitCode).toBe(EXIT.usage);
    expect((thrown as CliError).message).toMatch(message);
  });
});
