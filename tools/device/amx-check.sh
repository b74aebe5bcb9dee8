#!/bin/bash
# The AMX check on a machine that has AMX (the `device` machine lent to some sessions: no compiler, no network,
# Python with torch/transformers). Two steps:
#   bash tools/device/amx-check.sh prepare   # here: static test/bench binaries + MiniLM's config -> build/devcarry
#   bash tools/device/amx-check.sh run       # there (the repository root is the working directory; $OUT collects)
# `run` prints the CPU's AMX flags, runs the precision suites (gemm_precision_test executes every AMX kernel
# against the tile model and says which kernels ran; precision_test and precision_families_test run whole
# models with the active bf16/int8 kernels), the GEMM and instruction-peak microbenchmark, and op_profile on
# a MiniLM-L6-shaped model with seeded random weights (timing only) at 2 threads (cores 0-1) and all cores.
# The tests find their fixtures through the path compiled in (CE_SOURCE_DIR), so `run` links it to here.
set -uo pipefail
cd "$(dirname "$0")/../.."
R=$PWD
CARRY=$R/build/devcarry
TESTS="gemm_precision_test precision_test precision_families_test kernels_test"
TOOLS="gemm_precision_bench op_profile"

prepare() {
  set -e
  # Static: the device's C library may be older than this machine's.
  cmake -S "$R" -B "$R/build/device" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXE_LINKER_FLAGS=-static
  ninja -C "$R/build/device" $TESTS $TOOLS
  rm -rf "$CARRY" && mkdir -p "$CARRY/bin" "$CARRY/minilm-cfg"
  for t in $TESTS $TOOLS; do strip -o "$CARRY/bin/$t" "$R/build/device/$t"; done
  # The run tool sends the working tree plus what it carries, 64 MiB in all: the binaries go compressed, and the
  # model is made there from its config (the real weights alone are 87 MiB).
  tar cJf "$CARRY/bin.tar.xz" -C "$CARRY" bin && rm -rf "$CARRY/bin"
  node scripts/ensure-minilm.mjs >/dev/null
  cp test/.cache/models/minilm-ce/{config.json,tokenizer.json,tokenizer_config.json,special_tokens_map.json,vocab.txt} "$CARRY/minilm-cfg/"
  echo "$R" > "$CARRY/source_dir.txt"  # CE_SOURCE_DIR, compiled into the tests
  du -sh "$CARRY"
  echo "now: run(command: 'bash tools/device/amx-check.sh run', carry: ['build/devcarry'])"
}

run() {
  local out=${OUT:-$R/build/device-out} M=$CARRY/minilm
  mkdir -p "$out"
  exec > >(tee "$out/log.txt") 2>&1
  date; nproc; grep -m1 "model name" /proc/cpuinfo
  echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(amx|avx512_bf16|avx512_vnni|avx512f$|avx_vnni)' | sort -u | tr '\n' ' ')"
  tar xJf "$CARRY/bin.tar.xz" -C "$CARRY"
  local src
  src=$(cat "$CARRY/source_dir.txt")
  if [ -n "$src" ] && [ "$src" != "$R" ]; then mkdir -p "$(dirname "$src")" && ln -sfn "$R" "$src" || echo "cannot link $src"; fi
  mkdir -p "$M" && cp "$CARRY"/minilm-cfg/* "$M"/
  python3 - "$M" <<'PY' || { echo "no MiniLM-shaped model: op_profile runs on the demo model"; M=$R/models/demo; }
import sys, torch, transformers
torch.manual_seed(0)
cfg = transformers.BertConfig.from_json_file(sys.argv[1] + "/config.json")
transformers.BertForSequenceClassification(cfg).eval().save_pretrained(sys.argv[1], safe_serialization=True)
PY
  for t in $TESTS; do
    echo "=== $t"; timeout 120 "$CARRY/bin/$t" > "$out/$t.txt" 2>&1; echo "rc=$?"
    grep -E "^\[  (PASSED|FAILED|SKIPPED) |KERNELS|not run here" "$out/$t.txt" | head -40
  done
  echo "=== gemm_precision_bench"; timeout 100 "$CARRY/bin/gemm_precision_bench" > "$out/gemm_precision_bench.txt" 2>&1
  echo "rc=$?"; cat "$out/gemm_precision_bench.txt"
  echo "=== op_profile, 2 threads on cores 0-1: 32 pairs x 128 tokens; 1 x 32; 100 x 64"
  taskset -c 0,1 timeout 150 "$CARRY/bin/op_profile" "$M" 2 32 128 5
  taskset -c 0,1 timeout 60 "$CARRY/bin/op_profile" "$M" 2 1 32 21
  taskset -c 0,1 timeout 90 "$CARRY/bin/op_profile" "$M" 2 100 64 5
  echo "=== op_profile, $(nproc) threads: 32 x 128"; timeout 60 "$CARRY/bin/op_profile" "$M" "$(nproc)" 32 128 5
  date
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run" >&2; exit 2 ;;
esac
