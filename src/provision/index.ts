export { createHostService, type HostService, type HostServiceOptions, type RemovedHost } from './hosts/hostService';
export { HostKeyError, SshAuthError, PassphraseError, SshUnreachableError, RemoteCommandError } from './errors';
export { keyNeedsPassphrase } from './ssh/sshAuth';
export { fingerprintOf, parseKnownHosts } from './ssh/knownHosts';
export { commandLine } from './ssh/shellQuote';
export { parseProbe } from './probe/probeHost';
