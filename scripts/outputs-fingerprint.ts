/**
 * What a redesign must leave unchanged, for every experiment folder under a results folder: the sha256 of
 * oos_returns.csv, of each preserved model's weights.bin and model.json (checkpoints/, best_model.zip), and every
 * number of the iteration records and the walk-forward summary, with what legitimately differs between two runs
 * removed (times, durations, hashes that cover the config, absolute paths). Two checkouts that compute the same
 * print the same JSON.
 *
 *   npx tsx scripts/outputs-fingerprint.ts <results-dir> [> fingerprint.json]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZip } from '../src/store/zip-store.js';
import { sha256, stableStringify } from '../src/util/hash.js';

/** Keys whose values are timings, clocks, identities or hashes over the config rather than results. */
const VOLATILE = new Set([
  'createdAt',
  'updatedAt',
  'time',
  'seconds',
  'performance',
  'timings',
  'blocked',
  'configHash',
  'sha256',
  'experiment',
  'runId',
  'versions',
  'backend',
  'path',
  'file',
  'files',
  'resumes',
  'size',
  'peakRssBytes',
  'savesBlockedMs',
  'totalSeconds',
  'finishedAt',
]);

/**
 * Fields renamed by a redesign, old name to the new form of its value, so that records written before and after it
 * compare by their numbers: the Agent interface (issue 23) made DQN's `finalEpsilon` one of the agent's diagnostics.
 */
const RENAMED: Record<string, (v: unknown) => [string, unknown]> = {
  finalEpsilon: (v) => ['diagnostics', { epsilon: v }],
};

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, v]) => (RENAMED[k] ? RENAMED[k](v) : [k, v]))
        .map(([k, v]) => [k, strip(v)]),
    );
  }
  return value;
}

async function zipFingerprint(file: string): Promise<Record<string, string>> {
  const entries = await readZip(file);
  const out: Record<string, string> = {};
  for (const name of ['weights.bin', 'model.json']) if (entries[name]) out[name] = sha256(entries[name]);
  return out;
}

async function experimentFingerprint(root: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const checkpoints = join(root, 'checkpoints');
  for (const file of existsSync(checkpoints) ? readdirSync(checkpoints).sort() : []) {
    const path = join(checkpoints, file);
    if (file.endsWith('.zip')) out[`checkpoints/${file}`] = await zipFingerprint(path);
    else if (file.endsWith('.json')) out[`checkpoints/${file}`] = strip(JSON.parse(readFileSync(path, 'utf8')));
  }
  for (const file of ['best_model.zip', 'best_model.json', 'walkforward_summary.json', 'oos_returns.csv']) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    if (file.endsWith('.zip')) out[file] = await zipFingerprint(path);
    else if (file.endsWith('.csv')) out[file] = sha256(readFileSync(path));
    else out[file] = strip(JSON.parse(readFileSync(path, 'utf8')));
  }
  // "of N preserved models so far": before issue 23 it counted what had finished when the best was first written,
  // which with workers depended on the order they finished in; now the run's last call writes the final count.
  const best = out['best_model.json'] as { reason?: string } | undefined;
  if (best?.reason) best.reason = best.reason.replace(/ of \d+ preserved models? so far$/, '');
  return out;
}

const resultsDir = process.argv[2];
if (!resultsDir) {
  process.stderr.write('usage: tsx scripts/outputs-fingerprint.ts <results-dir>\n');
  process.exit(2);
}
const all: Record<string, unknown> = {};
for (const entry of readdirSync(resultsDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
  if (entry.isDirectory() && existsSync(join(resultsDir, entry.name, 'config.json')))
    all[entry.name] = await experimentFingerprint(join(resultsDir, entry.name));
}
// Keys sorted at every level: a record whose fields moved compares by content.
process.stdout.write(JSON.stringify(JSON.parse(stableStringify(all)), null, 1) + '\n');
