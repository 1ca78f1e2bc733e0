import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { IndexEntry } from '../records/index.js';
import { sha256, sha256File } from '../util/hash.js';
import { copyFileAtomic, writeFileAtomic } from './atomic-file.js';
import type { IndexWriter } from './index-store.js';
import { validated } from './json-file.js';
import { classify, type ExperimentPaths } from './layout.js';
import { CheckpointManager, type CheckpointManagerOptions } from './checkpoint-manager.js';

export interface Written {
  sha256: string;
  size: number;
}

/** What an index entry says beyond the file's name and bytes; iteration and step default to what the name says. */
export interface EntryDetails {
  iteration?: number | null;
  step?: number | null;
  metrics?: Record<string, unknown> | null;
}

/**
 * The one writer of an experiment's files: every file it commits is written atomically and listed in the index,
 * with its kind, iteration and step taken from the layout and its time from the injected clock. Worker threads get
 * a store whose index forwards to the main thread's. Deleting is retention's job (retention/cleanup.ts).
 */
export class ExperimentStore {
  constructor(
    readonly paths: ExperimentPaths,
    readonly index: IndexWriter,
    readonly now: () => Date = () => new Date(),
  ) {}

  /** The index entry of a committed file (relative path). */
  entry(path: string, written: Written, details: EntryDetails = {}): IndexEntry {
    const owned = classify(path);
    if (!owned) throw new Error(`${path} is not a file this pipeline owns`);
    return {
      path,
      kind: owned.kind,
      size: written.size,
      sha256: written.sha256,
      iteration: details.iteration !== undefined ? details.iteration : owned.iteration,
      step: details.step !== undefined ? details.step : owned.step,
      metrics: details.metrics ?? null,
      time: this.now().toISOString(),
    };
  }

  /** Lists a file already committed under its relative path. */
  async record(path: string, written: Written, details: EntryDetails = {}): Promise<IndexEntry> {
    const entry = this.entry(path, written, details);
    await this.index.add(entry);
    return entry;
  }

  /** Validates a record against its schema, commits it and lists it; `describe` gives the entry's metrics. */
  async commitJson<S extends z.ZodType>(
    path: string,
    schema: S,
    value: z.input<S>,
    details: Omit<EntryDetails, 'metrics'> & { describe?: (committed: z.output<S>) => Record<string, unknown> } = {},
  ): Promise<z.output<S>> {
    const { data, text } = validated(this.paths.at(path), schema, value);
    await writeFileAtomic(this.paths.at(path), text);
    const { describe, ...rest } = details;
    await this.record(path, { sha256: sha256(text), size: Buffer.byteLength(text) }, { ...rest, metrics: describe ? describe(data) : null });
    return data;
  }

  /** Copies an owned file to another owned name atomically and lists the copy. */
  async copy(from: string, to: string, details: EntryDetails = {}): Promise<IndexEntry> {
    await copyFileAtomic(this.paths.at(from), this.paths.at(to));
    const absolute = this.paths.at(to);
    return this.record(to, { sha256: await sha256File(absolute), size: (await stat(absolute)).size }, details);
  }

  /** The checkpoints of one seed of an iteration (seed 0: those of a one-seed run): save, latest, restore, prune. */
  checkpoints(iteration: number, seed = 0, options: CheckpointManagerOptions = {}): CheckpointManager {
    return new CheckpointManager(this, iteration, seed, options);
  }
}
