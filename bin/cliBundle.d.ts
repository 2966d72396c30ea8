export function cliBundlePath(root: string): string;
export function cliBundleIsFresh(root: string): boolean;
