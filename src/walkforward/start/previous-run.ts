import { ResumeRefusedError } from '../../errors/index.js';
import { experimentRecords } from '../../store/experiment-records.js';
import { lstatOrNull } from '../../util/regular-file.js';
import type { PipelineConfig } from '../../config/schema.js';
import { earlierBehaviour, LATER_SETTINGS, withoutLaterDefaults } from '../../config/later-settings.js';
import { deriveSeed } from '../../random/rng.js';
import { type RunConfigRecord } from '../../records/index.js';
import type { ExperimentPaths } from '../../store/layout.js';
import { sha256, stableStringify } from '../../util/hash.js';

/**
 * The hash that decides whether a resume may continue: the config without where results go. `panel`: whether the
 * run trades a panel, where some later settings' earlier behaviour differs (later-settings.ts).
 */
export function resumeHash(config: PipelineConfig, panel: boolean): string {
  // Where results go, what is logged about them, whether a production model follows and which ledger counts the run do
  // not change what the study computes.
  const { resultsDir: _where, logging: _watching, production: _after, ledger: _counted, ...what } = config;
  return sha256(stableStringify(withoutLaterDefaults(what, panel)));
}

/**
 * The run record (config.json) of an earlier start of the experiment, or null when there is none. One that cannot
 * be read or does not fit its schema refuses the run: without it, this run's settings cannot be compared with the
 * ones the finished iterations were computed with.
 */
export async function readPrevious(paths: ExperimentPaths): Promise<RunConfigRecord | null> {
  const info = await lstatOrNull(paths.config);
  // A FIFO would block the read; what is not a regular file is no record (and writing config.json refuses it).
  if (!info?.isFile()) return null;
  try {
    return await experimentRecords(paths.root).config();
  } catch (err) {
    throw new ResumeRefusedError(
      `${paths.config} is not a readable record of the earlier run (${(err as Error).message}); its settings cannot be compared with this run's. Use --fresh to start over (the folder is moved aside, nothing is deleted) or another --experiment id.`,
    );
  }
}

/** What settings differ between the recorded run and this one, one line per change (the data: data-change.ts). */
export function describeChanges(previous: RunConfigRecord, config: PipelineConfig): string[] {
  const changes: string[] = [];
  const before = flatten(previous.config);
  // A setting added since that run, at the value that computes what that version did, is no change.
  for (const [path, value] of LATER_SETTINGS) if (!(path in before)) before[path] = earlierBehaviour(path, value, Boolean(previous.data.panel));
  const after = flatten(config as unknown as Record<string, unknown>);
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (key === 'resultsDir' || key.startsWith('production.') || key.startsWith('ledger.')) continue;
    const a = JSON.stringify(before[key]);
    const b = JSON.stringify(after[key]);
    if (a !== b) changes.push(`${key}: ${a ?? '(unset)'} -> ${b ?? '(unset)'}`);
  }
  return changes;
}

function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

/**
 * The seed in use: a resumed experiment keeps the one its config.json recorded (a renamed folder must not change it),
 * and a line says so when the id alone would now derive another.
 */
export function seedInUse(previous: RunConfigRecord | null, config: PipelineConfig, experiment: string, log: (line: string) => void): number {
  const derived = deriveSeed('experiment', experiment);
  if (!previous) return config.seed ?? derived;
  if (config.seed === null && previous.seed !== derived) {
    log(
      `seed ${previous.seed} from config.json (the experiment started as ${previous.experiment}; the id ${experiment} alone would give ${derived})`,
    );
  }
  return previous.seed;
}
