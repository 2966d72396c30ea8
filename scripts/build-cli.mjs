// Bundles the `gantry` CLI into out/cli/gantry.js so it starts without compiling TypeScript on every run
// (tsx costs most of a second). npm packages stay external (one copy of zod and fastify, native modules
// untouched); `serve` loads its heavy modules through dynamic import(), which become separate chunks.
// bin/gantry.js runs the bundle only while it is newer than every source file listed in inputs.json.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out', 'cli');
// Built beside the final place, at the same depth (src/cli/packageRoot.ts relies on it), then swapped in,
// so a CLI started meanwhile sees the old bundle, no bundle, or the new one: never half of one.
const staging = join(root, 'out', `cli.staging-${process.pid}`);

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // An install without devDependencies has no esbuild; bin/gantry.js then runs from source through tsx.
  console.warn('build-cli: esbuild is not installed; the CLI will run from source through tsx');
  process.exit(0);
}

rmSync(staging, { recursive: true, force: true });
try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { gantry: join(root, 'src', 'cli', 'main.ts') },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  // Paths from import.meta.url are only right in the entry file, which sits where src/cli/packageRoot.ts expects.
  const chunks = existsSync(join(staging, 'chunks')) ? readdirSync(join(staging, 'chunks')) : [];
  const misplaced = chunks.filter((chunk) => readFileSync(join(staging, 'chunks', chunk), 'utf8').includes('import.meta.url'));
  if (misplaced.length > 0) throw new Error(`build-cli: import.meta.url in a chunk (${misplaced.join(', ')}); keep it in src/cli/packageRoot.ts`);

  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
  writeFileSync(join(staging, 'inputs.json'), `${JSON.stringify(inputs)}\n`);
  rmSync(outdir, { recursive: true, force: true });
  renameSync(staging, outdir);
  console.log(`build-cli: ${relative(root, join(outdir, 'gantry.js'))} from ${inputs.length} source files`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
