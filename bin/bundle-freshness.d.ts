/** Whether the CLI bundle under `root` (trailing slash) is newer than every file it was built from. */
export function bundleIsFresh(root: string): boolean;
