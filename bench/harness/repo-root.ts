/** Locates the repository root, so children can be spawned from dist/ both from `dist/bench` and from ts-jest. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'nestjs-aliyun-mq';

let cached: string | undefined;

/** The nearest ancestor of this file whose package.json is this project's. */
export function repoRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (parsed.name === PACKAGE_NAME) return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: cannot find the ${PACKAGE_NAME} repository root`);
    dir = parent;
  }
}

/** Absolute path of a compiled file under dist/, with a clear error when the build is missing. */
export function distFile(relative: string): string {
  const file = join(repoRoot(), 'dist', relative);
  if (!existsSync(file)) {
    throw new Error(`bench: ${file} is missing; run \`npm run build\` first`);
  }
  return file;
}
