#!/usr/bin/env bash
# Makes test/fixtures/earlier-version/: an experiment interrupted by SIGINT in its second iteration, written by the
# build of an earlier commit (checked out and built in a temporary worktree), so that the test can prove that this
# version resumes and reads what that one left. The config is test/fixtures/earlier-version/config.json.
#
#   scripts/make-earlier-version-fixture.sh <commit>      (the fixture in the repository was made at ff83089)
set -euo pipefail
commit=${1:?usage: scripts/make-earlier-version-fixture.sh <commit>}
here=$(cd "$(dirname "$0")/.." && pwd)
fixture="$here/test/fixtures/earlier-version"
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add --detach "$work/src" "$commit" >/dev/null
(cd "$work/src" && npm ci --no-audit --no-fund >/dev/null && npm run -s build >/dev/null)
out="$fixture/results-$(git -C "$here" rev-parse --short "$commit")"
rm -rf "$out"
# Stopped once iteration 2 has written a training checkpoint past step 600: iteration 1 is finished and recorded.
(cd "$work/src" && WFO_TRACE=1 node -e '
const { spawn } = require("child_process");
const [out, config] = process.argv.slice(1);
const child = spawn(process.execPath, ["dist/cli/main.js", "walkforward", "--experiment", "legacy", "--results-dir", out,
  "--config", config, "--quiet", "--no-charts", "--workers", "1", "--seed", "7"], { stdio: ["ignore", "inherit", "pipe"] });
let seen = "";
child.stderr.on("data", (d) => {
  seen += d;
  if (/trace phase=checkpoint-write iteration=2 step=[6-8]\d\d/.test(seen)) child.kill("SIGINT");
});
child.on("close", (code) => process.exit(code === 130 ? 0 : 1));
' "$out" "$fixture/config.json")
find "$out" -type f | sort
