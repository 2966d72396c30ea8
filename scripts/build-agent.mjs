// Bundles the worker agent into one file that runs with plain `node` on a host that has nothing
// but Node 18+: no node_modules, no native modules (hosts differ in libc and architecture).
import { build } from 'esbuild';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'out', 'agent', 'gantry-agent.js');

// The spawn helper runs from its own small source, carried in the bundle as a string and started with
// `node -e`: parsing the whole bundle would cost it memory, and every spawn costs more the larger it is.
const helper = await build({
  entryPoints: [join(root, 'src', 'agent', 'jobs', 'spawnHelper', 'helperMain.ts')],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  write: false,
  logLevel: 'warning',
  legalComments: 'none',
});

const result = await build({
  entryPoints: [join(root, 'src', 'agent', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node18',
  // CommonJS runs with `node gantry-agent.js` wherever it is copied, with no package.json beside it to say "module".
  format: 'cjs',
  // Packages imported as ES modules (tinyglobby) may read import.meta.url, which a CommonJS bundle
  // lacks: it is this file's own URL, as it would be for an unbundled module.
  banner: { js: "#!/usr/bin/env node\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleUrl', GANTRY_SPAWN_HELPER_SOURCE: JSON.stringify(helper.outputFiles[0].text) },
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});

const native = Object.keys(result.metafile.inputs).filter((input) => input.endsWith('.node'));
if (native.length > 0) {
  console.error(`build-agent: native modules would be bundled: ${native.join(', ')}`);
  process.exit(1);
}
// Inside this repository the root package.json says "module"; this marker keeps out/agent runnable here too.
writeFileSync(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');
const size = statSync(outfile).size;
console.log(`build-agent: ${relative(root, outfile)} ${(size / 1024).toFixed(1)} KiB`);
