import { mkdir, readdir } from 'node:fs/promises';
import { z } from 'zod';
import type { StateParts } from '../agent/state.js';
import { CheckpointCorruptError } from '../errors/index.js';
import type { ExperimentStore, Written } from './experiment-store.js';
import { classify, layout } from './layout.js';
import type { ModelMetadata } from './model-zip.js';
import { METADATA_ENTRY, readZip, writeZip } from './zip-store.js';

const STATE_ENTRY = 'state.json';
const STATE_FORMAT_VERSION = 2;
const arrayEntry = (name: string) => `arrays/${name}.bin`;
const dtypes = { float32: Float32Array, uint8: Uint8Array } as const;

const stateFileSchema = z.object({
  formatVersion: z.literal(STATE_FORMAT_VERSION),
  json: z.record(z.string(), z.unknown()),
  arrays: z.record(z.string().regex(/^[A-Za-z0-9_]+$/), z.object({ dtype: z.enum(['float32', 'uint8']), length: z.number().int().nonnegative() })),
});

const metadataSchema = z.looseObject({ kind: z.string(), iteration: z.number().int(), step: z.number().int(), configHash: z.string() });

export interface TrainingCheckpoint {
  /** Relative path inside the experiment. */
  path: string;
  step: number;
  metadata: ModelMetadata;
  state: StateParts;
}

/**
 * The training checkpoints of one seed of an iteration: iterations/iter_N/training/model_step_S.zip (seed 0) or
 * iterations/iter_N/seed_K/training/model_step_S.zip, each holding
 * metadata.json, state.json (the caller's JSON and a table of its arrays, validated on read) and one entry per
 * array. What the JSON and arrays mean is the caller's business; this store only keeps them intact.
 */
export class TrainingStore {
  constructor(
    private readonly store: ExperimentStore,
    readonly iteration: number,
    /** The training seed (training.seeds): 0 keeps the folder of a one-seed run. */
    readonly seed = 0,
  ) {}

  get folder(): string {
    return layout.trainingFolder(this.iteration, this.seed);
  }

  /** The relative path of the checkpoint of `step`. */
  pathOf(step: number): string {
    return layout.trainingCheckpoint(this.iteration, step, this.seed);
  }

  /** Commits the state of `step` atomically and lists it in the index. */
  async save(step: number, state: StateParts, metadata: ModelMetadata, indexMetrics: Record<string, unknown>): Promise<Written & { path: string }> {
    const path = this.pathOf(step);
    const table: z.input<typeof stateFileSchema>['arrays'] = {};
    const entries: Record<string, Uint8Array> = { [METADATA_ENTRY]: Buffer.from(JSON.stringify(metadata, null, 1)) };
    for (const [name, array] of Object.entries(state.arrays)) {
      table[name] = { dtype: array instanceof Float32Array ? 'float32' : 'uint8', length: array.length };
      entries[arrayEntry(name)] = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    }
    entries[STATE_ENTRY] = Buffer.from(JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, json: state.json, arrays: table }));
    await mkdir(this.store.paths.at(this.folder), { recursive: true });
    // Stored, not deflated: an agent's stored experience (float observations) barely compresses, and deflating it
    // doubled the save time.
    const written = await writeZip(this.store.paths.at(path), entries, { store: true });
    await this.store.record(path, written, { metrics: indexMetrics });
    return { ...written, path };
  }

  /** Steps of the checkpoints on disk, oldest first. */
  async steps(): Promise<number[]> {
    // No training folder yet: no checkpoint saved.
    const names = await readdir(this.store.paths.at(this.folder)).catch(() => [] as string[]);
    return names
      .map((name) => classify(`${this.folder}/${name}`))
      .filter((owned) => owned?.kind === 'training')
      .map((owned) => owned?.step as number)
      .sort((a, b) => a - b);
  }

  /** Reads and verifies the checkpoint of `step`. */
  async restore(step: number): Promise<TrainingCheckpoint> {
    const path = this.pathOf(step);
    return { path, step, ...(await readTrainingCheckpoint(this.store.paths.at(path))) };
  }

  /**
   * The newest checkpoint that verifies and that `accept` does not refuse (it returns why not, or null); each one
   * passed over is reported to `onSkip` with the reason.
   */
  async latest(
    accept: (checkpoint: TrainingCheckpoint) => string | null,
    onSkip: (path: string, why: string) => void,
  ): Promise<TrainingCheckpoint | null> {
    for (const step of (await this.steps()).reverse()) {
      const path = this.pathOf(step);
      try {
        const checkpoint = await this.restore(step);
        const refused = accept(checkpoint);
        if (refused === null) return checkpoint;
        onSkip(path, refused);
      } catch (err) {
        onSkip(path, `is not usable (${(err as Error).message}); trying an older checkpoint`);
      }
    }
    return null;
  }
}

/** Reads a training checkpoint zip anywhere on disk (--resume names one by path) and checks every part of it. */
export async function readTrainingCheckpoint(file: string): Promise<{ metadata: ModelMetadata; state: StateParts }> {
  const entries = await readZip(file, [STATE_ENTRY, METADATA_ENTRY]);
  const parse = <T>(name: string, schema: z.ZodType<T>): T => {
    let value: unknown;
    try {
      value = JSON.parse(entries[name].toString('utf8'));
    } catch {
      throw new CheckpointCorruptError(file, `entry ${name} is not valid JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new CheckpointCorruptError(
        file,
        `entry ${name} does not fit its schema (${parsed.error.issues.map((i) => `${i.path.join('.') || 'root'}: ${i.message}`).join('; ')})`,
      );
    return parsed.data;
  };
  const metadata = parse(METADATA_ENTRY, metadataSchema) as unknown as ModelMetadata;
  if (metadata.kind !== 'training') throw new CheckpointCorruptError(file, `is a ${metadata.kind} file, not a training checkpoint`);
  const stateFile = parse(STATE_ENTRY, stateFileSchema);
  const arrays: StateParts['arrays'] = {};
  for (const [name, { dtype, length }] of Object.entries(stateFile.arrays)) {
    const bytes = entries[arrayEntry(name)];
    const Type = dtypes[dtype];
    if (!bytes) throw new CheckpointCorruptError(file, `entry ${arrayEntry(name)} is missing`);
    if (bytes.byteLength !== length * Type.BYTES_PER_ELEMENT) {
      throw new CheckpointCorruptError(file, `entry ${arrayEntry(name)} has ${bytes.byteLength} bytes; state.json says ${length} ${dtype} values`);
    }
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    arrays[name] = new Type(copy.buffer);
  }
  return { metadata, state: { json: stateFile.json, arrays } };
}
