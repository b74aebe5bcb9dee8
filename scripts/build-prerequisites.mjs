// What a build from source needs (cmake >= 3.20, a C++20 compiler, ninja or make), checked before cmake runs so
// that a failure names exactly what is missing or too old instead of ending in a CMake trace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

const MIN_CMAKE = [3, 20];
const MIN_GCC = 11;
const MIN_CLANG = 14;

/** The first `name` on PATH (or `name` itself when it is a path to an existing file), else undefined. */
export function findOnPath(name, pathValue = process.env.PATH ?? '') {
  if (isAbsolute(name) || name.includes('/')) return existsSync(name) ? name : undefined;
  for (const dir of pathValue.split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function versionOf(command, args = ['--version']) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`;
}

const atLeast = (found, wanted) => {
  for (let i = 0; i < wanted.length; i++) {
    if ((found[i] ?? 0) !== wanted[i]) return (found[i] ?? 0) > wanted[i];
  }
  return true;
};

function checkCmake() {
  const cmake = findOnPath('cmake');
  if (!cmake) return 'cmake is not on PATH (need cmake >= 3.20; Debian/Ubuntu: apt install cmake, or pip install cmake)';
  const text = versionOf(cmake);
  const match = text?.match(/cmake version (\d+)\.(\d+)/);
  if (!match) return `${cmake} --version failed; need a working cmake >= 3.20`;
  const version = [Number(match[1]), Number(match[2])];
  if (!atLeast(version, MIN_CMAKE)) return `cmake ${version.join('.')} at ${cmake} is too old: need >= ${MIN_CMAKE.join('.')}`;
  return undefined;
}

/** The compiler CMake will pick: $CXX, else the first of c++, g++, clang++ on PATH (CMake's own order). */
function checkCompiler() {
  const fromEnv = process.env.CXX?.trim();
  const candidates = fromEnv ? [fromEnv.split(/\s+/)[0]] : ['c++', 'g++', 'clang++'];
  const compiler = candidates.map((c) => findOnPath(c)).find(Boolean);
  if (!compiler) {
    return fromEnv
      ? `CXX is set to '${fromEnv}', which was not found`
      : 'no C++ compiler on PATH (looked for c++, g++, clang++; need g++ >= 11 or clang >= 14: apt install g++)';
  }
  const text = versionOf(compiler);
  if (!text) return `the C++ compiler ${compiler} does not run (${compiler} --version failed)`;
  const clang = text.match(/clang version (\d+)/);
  const gcc = text.match(/\b(?:g\+\+|c\+\+|gcc)[^\n]*?\s(\d+)\.\d+(?:\.\d+)?/);
  if (clang && Number(clang[1]) < MIN_CLANG) return `clang ${clang[1]} at ${compiler} lacks C++20: need clang >= ${MIN_CLANG}`;
  if (!clang && gcc && Number(gcc[1]) < MIN_GCC) return `g++ ${gcc[1]} at ${compiler} lacks C++20: need g++ >= ${MIN_GCC}`;
  return undefined;
}

function checkBuildTool() {
  if (findOnPath('ninja') || findOnPath('make')) return undefined;
  return 'neither ninja nor make is on PATH (either will do: apt install make)';
}

/** Every missing or too-old prerequisite, one sentence each; empty when the build can start. */
export function missingPrerequisites() {
  return [checkCmake(), checkCompiler(), checkBuildTool()].filter(Boolean);
}

/** The generator cmake-js will choose now: Ninja when ninja is on PATH, else Unix Makefiles. */
export function chosenGenerator() {
  return findOnPath('ninja') ? 'Ninja' : 'Unix Makefiles';
}
