// ESLint rule `hit/module-boundaries` (docs/architecture.md, section 1): a feature module under src/ may import
// from another feature module only what that module's index.ts exports (the index itself, or a file it re-exports;
// and its Nest *.module.ts, which is wiring, not logic); the shared kernel (common/, config/, database/) is open to all; no feature module imports
// seed/ or migrations/ (they are tools that use the app, never the other way round; the composition root wires
// the seeder into the demo module, and the database layer runs the migrations).
const fs = require('node:fs');
const path = require('node:path');

const SHARED = new Set(['common', 'config', 'database']);

/**
 * The files a module's index.ts re-exports: its public surface. Importing one of them directly is allowed (and
 * avoids the import cycles a barrel would create between modules that use each other's services).
 */
const surfaces = new Map();
function publicFiles(root, module) {
  if (!surfaces.has(module)) {
    const files = new Set();
    const index = path.join(root, 'src', module, 'index.ts');
    if (fs.existsSync(index)) {
      for (const m of fs.readFileSync(index, 'utf8').matchAll(/from '\.\/([^']+)'/g)) files.add(m[1].replace(/\.ts$/, ''));
    }
    surfaces.set(module, files);
  }
  return surfaces.get(module);
}

function areaOf(root, file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'src' && rel.length > 2) return { top: 'src', module: rel[1], rest: rel.slice(2).join('/') };
  if (rel[0] === 'src') return { top: 'src', module: null, rest: rel.slice(1).join('/') };
  return { top: rel[0], module: null, rest: rel.slice(1).join('/') };
}

module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Import another module only through its index.ts; never import seed/ or migrations/ from src/' },
    messages: {
      internals: "'{{source}}' reaches into the internals of module {{target}}: only what {{suggestion}}/index.ts exports may be imported",
      tooling: "'{{source}}' imports {{top}}/ from the application: src/ must not depend on the seed or the migrations",
    },
    schema: [],
  },
  create(context) {
    const root = path.resolve(__dirname, '../..');
    const file = context.filename ?? context.getFilename();
    const from = areaOf(root, file);
    if (from.top !== 'src') return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = areaOf(root, path.resolve(path.dirname(file), source));
      // The composition root (src/main.ts, src/app.module.ts) and the database layer (it runs the migrations) may.
      if ((target.top === 'seed' || target.top === 'migrations') && from.module !== null && from.module !== 'database') {
        context.report({ node, messageId: 'tooling', data: { source, top: target.top } });
        return;
      }
      if (target.top !== 'src' || !target.module || target.module === from.module || from.module === null) return;
      if (SHARED.has(target.module)) return;
      if (target.rest === 'index' || target.rest === 'index.ts' || /^[^/]+\.module(\.ts)?$/.test(target.rest)) return;
      if (publicFiles(root, target.module).has(target.rest.replace(/\.ts$/, ''))) return;
      const suggestion = path.relative(path.dirname(file), path.join(root, 'src', target.module)).split(path.sep).join('/');
      context.report({ node, messageId: 'internals', data: { source, target: target.module, suggestion } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
    };
  },
};
