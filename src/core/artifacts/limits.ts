/** How much the artifact store takes: one file, and all of one job's files together. */
export interface StorageLimits {
  maxFileBytes: number;
  maxJobBytes: number;
}

export const DEFAULT_STORAGE_LIMITS: StorageLimits = {
  maxFileBytes: 50 * 1024 ** 3,
  maxJobBytes: 200 * 1024 ** 3,
};
