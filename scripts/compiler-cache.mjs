// The compiler cache of the contributor and CI builds (never of a user's install): when ccache is on PATH, the
// environment that makes CMake put it in front of the compiler (CMAKE_CXX_COMPILER_LAUNCHER, read at a build
// directory's first configure) so that the builds compiling the core with the same flags compile it once:
//   - `npm ci`'s addon build (scripts/setup.sh) and test:cpp's build/core: the same -O3 core (the addon's one extra
//     -D is a preprocessor flag, which ccache's preprocessor mode leaves out of its hash);
//   - test:package's build from source inside a packed tarball's install, which compiles the same sources from
//     another folder (packageWorkRoot()): CCACHE_BASEDIR, a folder above both, makes the paths under it relative to
//     each compile's folder, so both compiles read `../cpp/...` and hash alike. It must not be `/`: ccache would
//     then rewrite the system headers' paths in what it hashes too, and they differ with the depth of each build
//     folder (measured: every compile missed).
// The cache lives in .cache/ccache of this checkout (CCACHE_DIR): always writable where the builds are, and empty
// in a fresh clone, so a CI run never depends on what an earlier run left in a home folder.
// CE_NO_COMPILER_CACHE=1 turns it off. `node scripts/compiler-cache.mjs` prints it as shell `export`s (setup.sh).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function commonFolder(a, b) {
  const x = realpathSync(a).split(sep);
  const y = realpathSync(b).split(sep);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return x.slice(0, n).join(sep) || parse(a).root;
}

/**
 * Where test:package makes its projects: the temporary folder, or, when that shares no folder but `/` with this
 * checkout (so no CCACHE_BASEDIR could cover both), the checkout's parent folder if it is writable. Never inside
 * the checkout: Node would resolve the installed package's dependencies from the checkout's node_modules.
 */
export function packageWorkRoot() {
  const tmp = tmpdir();
  const parent = dirname(realpathSync(root));
  if (commonFolder(root, tmp) !== parse(root).root || parent === parse(parent).root) return tmp;
  try {
    accessSync(parent, constants.W_OK);
    return parent;
  } catch {
    return tmp;
  }
}

/** The environment a build gets its compiler cache from; empty when ccache is absent or turned off. */
export function compilerCacheEnv() {
  if (process.env.CE_NO_COMPILER_CACHE === '1') return {};
  if (spawnSync('ccache', ['--version'], { stdio: 'ignore' }).status !== 0) return {};
  const base = commonFolder(root, packageWorkRoot());
  return {
    CMAKE_CXX_COMPILER_LAUNCHER: 'ccache',
    CCACHE_DIR: join(root, '.cache', 'ccache'),
    ...(base === parse(base).root ? {} : { CCACHE_BASEDIR: base }),
  };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [name, value] of Object.entries(compilerCacheEnv())) console.log(`export ${name}='${value}'`);
}
