// A local ESLint rule that enforces the layers of DESIGN.md from one table (eslint.config.js).
//
// Why a rule of our own instead of `no-restricted-imports`: that rule matches the import *string*
// against gitignore patterns, so `**/core/**` misses the door import '../core', deep imports
// cannot be told from door imports, and two config blocks setting it for one file silently replace
// each other. This rule resolves every relative specifier to the folder it names, so the layer of
// the importer and of the imported file are known exactly, and each file gets one verdict.
//
// Checked: static imports, `export … from`, `import()` (whose source must be a literal, or it
// cannot be checked), `require()`, `import x = require()` and `import('…')` types.
import { isBuiltin } from 'node:module';
import path from 'node:path';

/**
 * @typedef {{ mayImport: string[], builtins: boolean }} Layer
 * @typedef {{ root: string, layers: Record<string, Layer>, modules: Record<string, string[]> }} Options
 */

const DOOR_FILES = new Set(['', 'index', 'index.ts', 'index.tsx', 'index.js']);

/** `@scope/name/deep` → `@scope/name`; `name/deep` → `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The layer a repository-relative path belongs to: `src/<layer>/…` → layer, else null. */
function layerOf(relativePath) {
  const parts = relativePath.split(path.sep);
  return parts[0] === 'src' && parts.length > 1 ? parts[1] : null;
}

/** True when `relativePath` is `src/<layer>` itself or its index file: the layer's door. */
function isDoor(relativePath) {
  const parts = relativePath.split(path.sep);
  return parts.length <= 3 && DOOR_FILES.has(parts[2] ?? '');
}

/** The allow-list entry for a package, by exact name or by scope (`@fastify/*`). */
function allowedFolders(modules, name) {
  if (name in modules) return modules[name];
  const scope = name.startsWith('@') ? `${name.split('/')[0]}/*` : null;
  return scope && scope in modules ? modules[scope] : null;
}

function checkRelative(ctx, node, specifier) {
  const target = path.relative(ctx.options.root, path.resolve(path.dirname(ctx.filename), specifier.split('?')[0]));
  const targetLayer = layerOf(target);
  // Files outside src/ (resources/ assets bundled by electron-vite) belong to no layer.
  if (targetLayer === null || targetLayer === ctx.layerName) return;
  if (!ctx.layer.mayImport.includes(targetLayer)) {
    const allowed = ctx.layer.mayImport.length ? ctx.layer.mayImport.join(', ') : 'no other layer';
    ctx.report(node, `src/${ctx.layerName} may not import src/${targetLayer} ('${specifier}'); it may import ${allowed} (DESIGN.md layers)`);
  } else if (!isDoor(target)) {
    ctx.report(node, `'${specifier}' reaches past the door of src/${targetLayer}: import from its index.ts instead`);
  }
}

function checkPackage(ctx, node, specifier) {
  // `node:` names a built-in even where this Node lacks it (node:sqlite, node:test on older versions).
  if (specifier.startsWith('node:') || isBuiltin(specifier)) {
    if (!ctx.layer.builtins) ctx.report(node, `src/${ctx.layerName} runs without Node: '${specifier}' is a Node built-in module`);
    return;
  }
  const name = packageName(specifier);
  const folders = allowedFolders(ctx.options.modules, name);
  if (folders && !folders.some((folder) => ctx.relativeFile.startsWith(folder + path.sep))) {
    ctx.report(node, `'${name}' may be imported only in ${folders.join(', ')}`);
  }
}

function checkSpecifier(ctx, node, specifier) {
  if (specifier.startsWith('.')) checkRelative(ctx, node, specifier);
  else checkPackage(ctx, node, specifier);
}

/** The string a source node spells, or null when it is computed at run time. */
function literalSource(source) {
  if (source?.type === 'Literal' && typeof source.value === 'string') return source.value;
  if (source?.type === 'TemplateLiteral' && source.expressions.length === 0) return source.quasis[0].value.cooked;
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only the layers and packages eslint.config.js allows, through their index.ts' },
    schema: [{ type: 'object', properties: { root: { type: 'string' }, layers: { type: 'object' }, modules: { type: 'object' } }, required: ['root', 'layers', 'modules'], additionalProperties: false }],
  },
  create(context) {
    /** @type {Options} */
    const options = context.options[0];
    const relativeFile = path.relative(options.root, context.filename);
    const layerName = layerOf(relativeFile);
    if (layerName === null) return {};
    const layer = options.layers[layerName];
    const ctx = {
      options,
      filename: context.filename,
      relativeFile,
      layerName,
      layer,
      report: (node, message) => context.report({ node, message }),
    };
    if (!layer) {
      return { Program: (node) => ctx.report(node, `src/${layerName} is not a layer: add it to the layer table in eslint.config.js`) };
    }
    const checkSource = (node) => {
      const specifier = literalSource(node.source);
      if (specifier !== null) checkSpecifier(ctx, node, specifier);
    };
    return {
      ImportDeclaration: checkSource,
      ExportAllDeclaration: checkSource,
      ExportNamedDeclaration: (node) => node.source && checkSource(node),
      ImportExpression(node) {
        const specifier = literalSource(node.source);
        if (specifier === null) ctx.report(node, 'import() needs a string literal so the layering rule can check what it loads');
        else checkSpecifier(ctx, node, specifier);
      },
      CallExpression(node) {
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'require' || node.arguments.length !== 1) return;
        const specifier = literalSource(node.arguments[0]);
        if (specifier === null) ctx.report(node, 'require() needs a string literal so the layering rule can check what it loads');
        else checkSpecifier(ctx, node, specifier);
      },
      TSExternalModuleReference(node) {
        const specifier = literalSource(node.expression);
        if (specifier !== null) checkSpecifier(ctx, node, specifier);
      },
      TSImportType(node) {
        const argument = node.source ?? (node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument);
        const specifier = literalSource(argument);
        if (specifier !== null) checkSpecifier(ctx, node, specifier);
      },
    };
  },
};

export const localPlugin = { rules: { layering: layeringRule } };
