import ssh2 from 'ssh2';

/**
 * ssh2 is CommonJS that assigns its exports in a way Node's ESM loader cannot name statically
 * (`import { Client } from 'ssh2'` fails under plain node); take the values off the default export.
 */
export const { Client: SshClient, utils: sshUtils } = ssh2;
