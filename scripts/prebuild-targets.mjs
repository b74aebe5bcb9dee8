// The prebuilt targets: Zig target triple, CMake system, and where node-gyp-build looks for each binary.
export const GLIBC = '2.28'; // Node 20's own minimum
// macOS 11: the oldest Zig 0.17 targets (Node 20 itself supports 10.15 on x64, 11 on arm64).
export const MACOS = '11.0';

export const PREBUILD_TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', libc: 'glibc', system: 'Linux', processor: 'x86_64', zigTarget: `x86_64-linux-gnu.${GLIBC}` },
  'linux-arm64': { platform: 'linux', arch: 'arm64', libc: 'glibc', system: 'Linux', processor: 'aarch64', zigTarget: `aarch64-linux-gnu.${GLIBC}` },
  'linux-x64-musl': { platform: 'linux', arch: 'x64', libc: 'musl', system: 'Linux', processor: 'x86_64', zigTarget: 'x86_64-linux-musl' },
  'linux-arm64-musl': { platform: 'linux', arch: 'arm64', libc: 'musl', system: 'Linux', processor: 'aarch64', zigTarget: 'aarch64-linux-musl' },
  'darwin-x64': { platform: 'darwin', arch: 'x64', libc: null, system: 'Darwin', processor: 'x86_64', zigTarget: `x86_64-macos.${MACOS}` },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64', libc: null, system: 'Darwin', processor: 'arm64', zigTarget: `aarch64-macos.${MACOS}` },
};

// node-gyp-build's layout: prebuilds/<platform>-<arch>/<name>.napi[.<libc>].node; a libc tag must match the
// running system's libc, so a musl file is never loaded on glibc and vice versa.
export function prebuildPath(name) {
  const t = PREBUILD_TARGETS[name];
  return `prebuilds/${t.platform}-${t.arch}/cross-encoder.napi${t.libc ? `.${t.libc}` : ''}.node`;
}
