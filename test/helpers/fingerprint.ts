import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZip } from '../../src/store/zip-store.js';
import { sha256 } from '../../src/util/hash.js';

/**
 * What must be identical between an interrupted-and-resumed run and an uninterrupted one: every iteration record
 * without its timestamps, timings and experiment name (the zips' metadata names the experiment, so records keep
 * no zip hash here), the exact weights of every preserved model, and oos_returns.csv byte for byte.
 */
export async function resultsFingerprint(root: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const dir = join(root, 'checkpoints');
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.json')) {
      const record = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      delete record.createdAt;
      delete record.experiment;
      delete record.training.seconds;
      delete record.training.performance;
      if (record.model) record.model = record.model.file;
      out[file] = record;
    } else {
      const entries = await readZip(join(dir, file));
      out[file] = { weights: sha256(entries['weights.bin']), model: sha256(entries['model.json']) };
    }
  }
  out['oos_returns.csv'] = existsSync(join(root, 'oos_returns.csv')) ? readFileSync(join(root, 'oos_returns.csv'), 'utf8') : null;
  if (existsSync(join(root, 'best_model.json'))) {
    // The zip's hash covers its metadata's clock; its weights are compared as the preserved model's above.
    const { updatedAt: _at, experiment: _id, sha256: _hash, ...best } = JSON.parse(readFileSync(join(root, 'best_model.json'), 'utf8'));
    out['best_model.json'] = best;
  }
  return out;
}

/** Every plot in visualizations/ by name, with the sha256 of its bytes. */
export function plotsFingerprint(root: string): Record<string, string> {
  const dir = join(root, 'visualizations');
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((file) => [file, sha256(readFileSync(join(dir, file)))]),
  );
}
