export { createCoordinator, DEFAULTS } from './coordinator';
export type * from './api';
export type { SecretStore } from './secrets/secretStore';
export { assertSecretKey } from './secrets/secretStore';
export { createFileSecretStore, secretsFilePath } from './secrets/fileSecretStore';
export { readSecretFile, writeSecretFile } from './secrets/secretFile';
