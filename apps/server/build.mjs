// Builds the server into one ES module, apps/server/dist/main.mjs, for `npm start` and the bench.
//
// Why: run through tsx, the server keeps every transpiled module and its source map resident;
// measured on PostgreSQL after the first health check, that is 229 MB against 139 MB for the same
// code bundled (issue 10's memory target is 300 MB under load with 1,000 open sockets). Our own
// workspace packages (@crm/*, TypeScript) go into the bundle; every npm dependency stays an
// import resolved from node_modules at run time, so native and lazily loaded packages (pg,
// stripe, pdfkit, the Scalar bundle read from disk) load exactly as they do under tsx.
// `npm run dev` and the tests still run the sources through tsx and vitest.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Every dependency named by the root or a workspace package.json, except our own @crm/* packages. */
function npmDependencies() {
  const manifests = [join(root, 'package.json')];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) manifests.push(join(root, group, name, 'package.json'));
  }
  const names = new Set();
  for (const file of manifests) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // a folder without a package.json
    }
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const dep of Object.keys(manifest[field] ?? {})) if (!dep.startsWith('@crm/')) names.add(dep);
    }
  }
  return [...names].flatMap((dep) => [dep, `${dep}/*`]);
}

await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile: join(here, 'dist', 'main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: npmDependencies(),
  // A separate map file: `node --enable-source-maps apps/server/dist/main.mjs` reads it when wanted,
  // and nothing of it is resident otherwise.
  sourcemap: 'linked',
  logLevel: 'warning',
});
