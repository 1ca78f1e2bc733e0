#!/usr/bin/env bash
# Proves a redesign by its outputs: runs the same three walk-forward runs on a base commit and on this checkout and
# compares what they computed (scripts/outputs-fingerprint.ts: oos_returns.csv, every preserved model's weights,
# the records' numbers without timings). Exit 0 when identical, 1 with a diff when not.
#
#   scripts/check-identical.sh <base-commit> [work-folder]
#
# The runs: the default run on the bundled data (experiment 1003), the quick preset with three seeds and the vote
# ensemble, and the quick preset on two worker threads.
set -euo pipefail
base=${1:?usage: scripts/check-identical.sh <base-commit> [work-folder]}
here=$(cd "$(dirname "$0")/.." && pwd)
work=${2:-$(mktemp -d)}
mkdir -p "$work"
echo "work folder: $work"

run_all() { # $1 checkout, $2 results folder
  local wfo=(node "$1/dist/cli/main.js")
  (cd "$1" && npm run -s build >/dev/null)
  {
  "${wfo[@]}" walkforward --experiment 1003 --data "$here/data/sp500-2000.csv" --results-dir "$2" --quiet --no-charts
  "${wfo[@]}" walkforward --experiment vote3 --preset quick --data "$here/data/sp500-2000.csv" --results-dir "$2" --quiet --no-charts \
    --set training.seeds=3 --set selection.ensemble=vote
  "${wfo[@]}" walkforward --experiment workers2 --preset quick --data "$here/data/sp500-2000.csv" --results-dir "$2" --quiet --no-charts \
    --workers 2
  } >&2
  "$here/node_modules/.bin/tsx" "$here/scripts/outputs-fingerprint.ts" "$2"
}

if [ ! -d "$work/base" ]; then
  git -C "$here" worktree add --detach "$work/base" "$base" >/dev/null
  (cd "$work/base" && npm ci --no-audit --no-fund >/dev/null)
fi
rm -rf "$work/results-base" "$work/results-here"
run_all "$work/base" "$work/results-base" >"$work/base.json"
run_all "$here" "$work/results-here" >"$work/here.json"
if diff -u "$work/base.json" "$work/here.json" >"$work/diff.txt"; then
  echo "identical: $(grep -c '"weights.bin"' "$work/here.json") model weights, $(grep -c 'oos_returns.csv' "$work/here.json") oos_returns.csv, every record's numbers"
else
  echo "DIFFERENT (first lines of $work/diff.txt):"
  head -40 "$work/diff.txt"
  exit 1
fi
