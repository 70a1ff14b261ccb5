/**
 * The CommonJS build, for `require()` where ES modules cannot be required: Jest's CommonJS runtime
 * (the default ts-jest set-up of a Nest 11 app) and Node versions without require(esm). Runs after
 * `tsc` (it copies the declarations tsc wrote to dist/lib).
 *
 *   dist/cjs/package.json     {"type": "commonjs"}: everything below is CommonJS
 *   dist/cjs/lib/**           lib/ transpiled file by file to CommonJS (+ the same .d.ts and assets)
 *   dist/cjs/<entry>.js       one entry per subpath of the exports map's `require` condition
 *
 * An entry loads the ES module build when this runtime's require() can (Node >= 20.19 / 22.12), so
 * that CommonJS and ESM importers in one process share one copy of the package: one MQModule, one
 * set of classes and tokens, one registry. Only where require() cannot load ES modules does it load
 * the CommonJS build, and there nothing can import the ES build either (Jest's CommonJS runtime).
 *
 * Each file is transpiled on its own (the sources are written for `isolatedModules`), which is
 * fast and needs no second type-check; a file is skipped when its output is newer than it and this
 * script. `import.meta.url` / `.dirname` / `.filename` become their CommonJS equivalents.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const source = join(root, 'lib');
const esm = join(root, 'dist', 'lib');
const cjs = join(root, 'dist', 'cjs');
const selfTime = statSync(self).mtimeMs;

/** Loaded on the first stale file only: a build with nothing to do costs a directory walk. */
let ts;
let compilerOptions;
function loadTypeScript() {
  if (ts !== undefined) return;
  ts = createRequire(import.meta.url)('typescript');
  compilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    isolatedModules: true,
    sourceMap: false,
    declaration: false,
  };
}

/** `import.meta.*` has no meaning in CommonJS: rewrite the three properties we can. */
function importMetaToCommonJs(context) {
  const f = context.factory;
  const visit = (node) => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isMetaProperty(node.expression) &&
      node.expression.keywordToken === ts.SyntaxKind.ImportKeyword
    ) {
      const name = node.name.text;
      if (name === 'dirname') return f.createIdentifier('__dirname');
      if (name === 'filename') return f.createIdentifier('__filename');
      if (name === 'url') {
        const url = f.createCallExpression(f.createIdentifier('require'), undefined, [
          f.createStringLiteral('node:url'),
        ]);
        const href = f.createCallExpression(
          f.createPropertyAccessExpression(url, 'pathToFileURL'),
          undefined,
          [f.createIdentifier('__filename')],
        );
        return f.createPropertyAccessExpression(href, 'href');
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => ts.visitNode(file, visit);
}

/**
 * CommonJS output refers to the module's own `exports` (and `require`, for `import()`) from inside
 * functions; a local of that name would capture those references (e.g. `const exports = [...]` in a function
 * that reads an exported constant). Such a name fails the build, naming the place.
 */
const CJS_NAMES = new Set(['exports', 'require']);
function checkNoCommonJsShadowing(text, rel) {
  const file = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true);
  const visit = (node) => {
    const name = node.name;
    if (
      (ts.isVariableDeclaration(node) ||
        ts.isParameter(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isBindingElement(node) ||
        ts.isClassDeclaration(node)) &&
      name !== undefined &&
      ts.isIdentifier(name) &&
      CJS_NAMES.has(name.text)
    ) {
      const { line } = file.getLineAndCharacterOfPosition(name.getStart(file));
      throw new Error(
        `build-cjs: ${rel}:${line + 1} declares "${name.text}", which the CommonJS build needs; rename it`,
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

function isFresh(output, input) {
  if (!existsSync(output)) return false;
  const outTime = statSync(output).mtimeMs;
  return outTime >= statSync(input).mtimeMs && outTime >= selfTime;
}

let transpiled = 0;
let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = relative(source, path);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      const base = rel.slice(0, -'.ts'.length);
      const output = join(cjs, 'lib', base + '.js');
      mkdirSync(dirname(output), { recursive: true });
      // The declarations are tsc's, so CommonJS importers get exactly the ESM build's types.
      const declaration = join(esm, base + '.d.ts');
      if (existsSync(declaration)) copyFileSync(declaration, join(cjs, 'lib', base + '.d.ts'));
      if (isFresh(output, path)) continue;
      loadTypeScript();
      const text = readFileSync(path, 'utf8');
      checkNoCommonJsShadowing(text, rel);
      const result = ts.transpileModule(text, {
        compilerOptions,
        fileName: path,
        reportDiagnostics: true,
        transformers: { before: [importMetaToCommonJs] },
      });
      const errors = (result.diagnostics ?? []).filter(
        (d) => d.category === ts.DiagnosticCategory.Error,
      );
      if (errors.length > 0) {
        throw new Error(
          `build-cjs: ${rel}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, '\n')}`,
        );
      }
      if (result.outputText.includes('import.meta')) {
        throw new Error(
          `build-cjs: ${rel} uses import.meta in a way CommonJS has no equivalent for`,
        );
      }
      writeFileSync(output, result.outputText);
      transpiled++;
    } else if (!/\.(ts|md)$/.test(name)) {
      mkdirSync(join(cjs, 'lib', dirname(rel)), { recursive: true });
      copyFileSync(path, join(cjs, 'lib', rel));
      copied++;
    }
  }
}

/**
 * The entry behind a subpath: the ES module build through require(esm), or the CommonJS build
 * where this runtime's require() refuses ES modules (ERR_REQUIRE_ESM). Any other error (a missing
 * optional peer, an error while loading) is the caller's to see, unchanged.
 */
function entrySource(subpath, esmTarget, cjsTarget) {
  return `'use strict';
// "nestjs-aliyun-mq${subpath === '.' ? '' : subpath.slice(1)}" for require(); generated by scripts/build-cjs.mjs.
// The ES module build when require() can load it (one copy of the package per process, shared
// with ESM importers); the CommonJS build where it cannot (Jest's CommonJS runtime).
let loaded;
try {
  loaded = require(${JSON.stringify(esmTarget)});
} catch (error) {
  if (error === null || typeof error !== 'object' || error.code !== 'ERR_REQUIRE_ESM') throw error;
  loaded = require(${JSON.stringify(cjsTarget)});
}
module.exports = loaded;
`;
}

function writeEntries() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  let entries = 0;
  for (const [subpath, conditions] of Object.entries(pkg.exports)) {
    if (typeof conditions !== 'object' || conditions.require === undefined) continue;
    const entry = conditions.require.default;
    const esmFile = conditions.import.default;
    const prefix = './dist/lib/';
    if (!entry.startsWith('./dist/cjs/') || !esmFile.startsWith(prefix)) {
      throw new Error(
        `build-cjs: exports["${subpath}"] is not dist/lib (import) + dist/cjs (require)`,
      );
    }
    const file = join(root, entry);
    const esmTarget = relative(dirname(file), join(root, esmFile)).replaceAll('\\', '/');
    const cjsTarget = relative(
      dirname(file),
      join(cjs, 'lib', esmFile.slice(prefix.length)),
    ).replaceAll('\\', '/');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, entrySource(subpath, dotted(esmTarget), dotted(cjsTarget)));
    entries++;
  }
  return entries;
}

function dotted(path) {
  return path.startsWith('.') ? path : './' + path;
}

try {
  mkdirSync(cjs, { recursive: true });
  writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
  walk(source);
  const entries = writeEntries();
  if (process.argv.includes('--verbose')) {
    console.log(`build-cjs: ${transpiled} transpiled, ${copied} assets, ${entries} entries`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
