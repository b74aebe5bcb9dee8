// Inspects every prebuilt binary without running it (only linux-x64 and linux-arm64 glibc are executed, by
// test:package): the right file format and CPU, a loadable shared object, Node-API imports, and for each libc
// the promise its folder tag makes: glibc ones need at most glibc 2.28, musl ones no glibc at all, macOS ones
// only libSystem with napi_* left to the node process that loads them.
//   node scripts/inspect-prebuilds.mjs [--targets linux-x64-musl,darwin-arm64,...]   (default: all)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { inspectBinary } from './inspect-binary.mjs';
import { GLIBC, PREBUILD_TARGETS, prebuildPath } from './prebuild-targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const GLIBC_LIBS = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-(x86-64|aarch64)\.so\.[12])$/;
// musl's dynamic linker answers requests for libc.so (and libc.musl-<arch>.so.1) with itself.
const MUSL_LIBS = /^(libc\.so|libc\.musl-(x86_64|aarch64)\.so\.1)$/;
const MACOS_LIBS = /^\/usr\/lib\/libSystem\.B\.dylib$/;
const NODE_API = /^(napi_|node_api_)/;

function versionNewer(a, b) {
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
}

// Returns the problems of one binary (empty when it keeps every promise) and a one-line summary.
export function checkPrebuild(name, file) {
  const target = PREBUILD_TARGETS[name];
  const info = inspectBinary(file);
  const problems = [];
  const expectedFormat = target.platform === 'darwin' ? 'macho' : 'elf';
  if (info.format !== expectedFormat) problems.push(`is ${info.format}, expected ${expectedFormat}`);
  if (info.arch !== target.arch) problems.push(`is built for ${info.arch}, expected ${target.arch}`);
  if (!['shared', 'bundle'].includes(info.type)) problems.push(`is a ${info.type}, not a loadable shared object`);
  if (info.interpreter) problems.push(`names an interpreter (${info.interpreter}): an executable, not an addon`);
  const napi = info.imports.filter((s) => NODE_API.test(s.name));
  if (napi.length === 0) problems.push('imports no napi_* function: not a Node-API addon');
  const stray = (pattern) => info.needed.filter((lib) => !pattern.test(lib));
  let detail = '';
  if (target.libc === 'glibc') {
    if (stray(GLIBC_LIBS).length) problems.push(`needs libraries beyond glibc: ${stray(GLIBC_LIBS).join(', ')}`);
    const versions = info.imports.map((s) => s.version?.match(/^GLIBC_(\d+)\.(\d+)/)).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]);
    const newest = versions.reduce((a, b) => (versionNewer(b, a) ? b : a), [0, 0]);
    if (versions.length === 0) problems.push('has no GLIBC_ symbol versions: not linked against glibc');
    if (versionNewer(newest, GLIBC.split('.').map(Number))) problems.push(`needs glibc ${newest.join('.')}, more than ${GLIBC}`);
    detail = `glibc >= ${newest.join('.')}`;
  } else if (target.libc === 'musl') {
    if (stray(MUSL_LIBS).length) problems.push(`needs libraries musl does not provide: ${stray(MUSL_LIBS).join(', ')}`);
    const glibcVersioned = info.imports.filter((s) => s.version?.startsWith('GLIBC'));
    if (glibcVersioned.length) problems.push(`imports glibc-versioned symbols: ${glibcVersioned.slice(0, 3).map((s) => `${s.name}@${s.version}`).join(', ')}`);
    if (!info.needed.some((lib) => MUSL_LIBS.test(lib))) problems.push('does not link musl libc');
    detail = `musl (${info.needed.join(', ')})`;
  } else {
    if (stray(MACOS_LIBS).length) problems.push(`needs dylibs beyond libSystem: ${stray(MACOS_LIBS).join(', ')}`);
    const boundNapi = napi.filter((s) => !s.dynamicLookup);
    if (boundNapi.length) problems.push(`binds napi_* to a named dylib instead of dynamic lookup: ${boundNapi.slice(0, 3).map((s) => s.name).join(', ')}`);
    // Only Node's own functions may be looked up dynamically; anything else would fail at the first call.
    const otherDynamic = info.imports.filter((s) => s.dynamicLookup && !NODE_API.test(s.name));
    if (otherDynamic.length) problems.push(`leaves non-Node symbols to dynamic lookup: ${otherDynamic.slice(0, 5).map((s) => s.name).join(', ')}`);
    detail = `${info.needed.join(', ')}; ${napi.length} napi_* by dynamic lookup`;
  }
  return { problems, summary: `${info.format} ${info.arch} ${info.type}, ${info.imports.length} imports (${napi.length} napi_*), ${detail}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { targets: { type: 'string', default: Object.keys(PREBUILD_TARGETS).join(',') } } });
  let failed = false;
  for (const name of values.targets.split(',').filter(Boolean)) {
    if (!PREBUILD_TARGETS[name]) {
      console.error(`inspect-prebuilds: unknown target '${name}' (known: ${Object.keys(PREBUILD_TARGETS).join(', ')})`);
      process.exit(1);
    }
    const file = prebuildPath(name);
    if (!existsSync(join(root, file))) {
      console.error(`inspect-prebuilds: ${file} is missing (npm run prebuild)`);
      failed = true;
      continue;
    }
    const { problems, summary } = checkPrebuild(name, join(root, file));
    if (problems.length) {
      failed = true;
      for (const problem of problems) console.error(`inspect-prebuilds: ${file} ${problem}`);
    } else {
      console.error(`inspect-prebuilds: ${file}: ${summary}`);
    }
  }
  if (failed) process.exit(1);
}
