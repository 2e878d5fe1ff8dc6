// Lists every platform package of npm/<target>/ as an optional dependency in the given (packed)
// package.json, as lightningcss and @swc/core publish theirs. The repository's own package.json
// cannot list them until they are published: `npm ci` needs every dependency in the lock file.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const root = new URL('../npm/', import.meta.url);
pkg.optionalDependencies = {};
for (const dir of readdirSync(root).sort()) {
  const platform = JSON.parse(readFileSync(new URL(`${dir}/package.json`, root), 'utf8'));
  if (platform.version !== pkg.version) throw new Error(`npm/${dir}: version ${platform.version}, not ${pkg.version}`);
  pkg.optionalDependencies[platform.name] = platform.version;
}
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(Object.keys(pkg.optionalDependencies).join(' '));
