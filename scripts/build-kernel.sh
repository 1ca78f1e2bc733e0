#!/usr/bin/env bash
# Rebuilds src/agent/kernel/mlp_kernel.wasm from native/mlp_kernel.c (needs Debian's clang and lld).
# The .wasm is committed, so installing and testing the project never needs a compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
clang --target=wasm32 -O3 -msimd128 -nostdlib -fno-builtin \
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--initial-memory=1048576 -Wl,--strip-all \
  -o src/agent/kernel/mlp_kernel.wasm native/mlp_kernel.c
ls -l src/agent/kernel/mlp_kernel.wasm
