export { createCoordinator, DEFAULTS } from './coordinator';
export { secureDataDir, tightenModes } from './store/secureDataDir';
export type * from './api';
export type * from './operations/api';
export type * from './metrics/api';
export type { Sweeps, SweepRecord } from './sweeps/sweeps';
export type { SecretStore } from './secrets/secretStore';
export { createFileSecretStore, createSealedSecretStore, secretsFilePath } from './secrets/fileSecretStore';
export type { HostInventory, HostRecord, HostUpdate, TrustedKey } from './hosts/hostInventory';
