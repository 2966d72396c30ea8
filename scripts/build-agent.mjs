// Bundles the worker agent into one file that runs with plain `node` on a host that has nothing
// but Node 18+: no node_modules, no native modules (hosts differ in libc and architecture).
import { build } from 'esbuild';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
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

/**
 * src/shared is declarations only (schemas, constants, pure functions; nothing runs on import), but
 * a zod schema is a call, which esbuild must keep unless it knows the module is free of side effects.
 * Said so, esbuild leaves out every shared module the agent takes nothing from, zod and the schemas
 * with them: about 25 MB of the agent's resident set (bench/README.md, e2e.agent.rss_mb).
 */
const sharedHasNoSideEffects = {
  name: 'shared-has-no-side-effects',
  setup(pluginBuild) {
    const shared = join(root, 'src', 'shared') + sep;
    pluginBuild.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await pluginBuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
      return resolved.path.startsWith(shared) ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

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
  plugins: [sharedHasNoSideEffects],
  // Minified, the source V8 holds and pre-parses halves (453 → 258 KiB): the agent's private memory went
  // 13.4 → 12.8 MB, which every fork of a job copies the page tables of (bench/README.md, e2e.agent.rss_mb).
  minify: true,
  // Function and class names survive, so a stack trace an operator pastes from a host still says where.
  keepNames: true,
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
// The agent checks replies with wire.generated.ts's JSON Schemas; zod in the bundle means an import
// reached a schema module again, or a dynamic import wrapped the shared index (see src/agent/main.ts).
const zod = Object.values(result.metafile.outputs).flatMap((output) => Object.keys(output.inputs)).filter((input) => /node_modules\/zod\//.test(input));
if (zod.length > 0) {
  console.error(`build-agent: zod would be bundled into the agent (${zod.length} files): import zod-free modules only`);
  process.exit(1);
}
const size = statSync(outfile).size;
console.log(`build-agent: ${relative(root, outfile)} ${(size / 1024).toFixed(1)} KiB`);
