/**
 * `tsc` emits only compiled TypeScript. Files the package needs at run time that are not
 * TypeScript — vendored `.proto` definitions, the emulator console's static assets — are copied
 * from `lib/` to `dist/lib/` with the same relative paths. Markdown (contracts, folder notes) stays
 * out of the package.
 */
import { cpSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'lib');
const target = join(root, 'dist', 'lib');
const skipped = /\.(ts|md)$/;

let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!skipped.test(name)) {
      cpSync(path, join(target, relative(source, path)));
      copied++;
    }
  }
}
walk(source);
if (process.argv.includes('--verbose')) console.log(`copied ${copied} asset file(s) to dist/lib`);
