/**
 * `npm run build` (second half) and `prepare`, which `npm ci` runs: writes the command line's
 * bundle to dist/cli/ (git-ignored). Without esbuild (`npm ci --omit=dev`) it says so and the
 * command line runs through tsx.
 */
import { relative } from 'node:path';
import { bundleCli, cliBundleDir, repoRoot } from './bundle';

try {
  const metafile = await bundleCli(cliBundleDir);
  console.error(`spotify-etl build: bundled ${Object.keys(metafile.inputs).length} files into ${relative(repoRoot, cliBundleDir)}/`);
} catch (error) {
  if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.error('spotify-etl build: esbuild is not installed, so the command line runs through tsx');
}
