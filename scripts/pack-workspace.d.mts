/** Where the tarballs and their `manifest.json` live. */
export function tarballDir(root: string): string;
/** Every package under packages/ and apps/ that is not private. */
export function publishablePackages(
  root: string,
): { dir: string; manifest: Record<string, unknown> & { name: string } }[];
/** process.env without pnpm's npm_config_* variables, with update notifier and telemetry off. */
export function cleanEnv(): NodeJS.ProcessEnv;
/** Builds and packs every publishable package; Map name → tarball path. */
export function packWorkspace(root: string, options?: { build?: boolean }): Map<string, string>;
/** The last pack's tarballs when no package changed since, else a fresh build + pack. */
export function freshTarballs(root: string): Map<string, string>;
