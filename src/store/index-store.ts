import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointIndexSchema, FORMAT_VERSION, type IndexEntry } from '../records/index.js';
import { writeFileAtomic } from './atomic-file.js';
import { entryKind, lstatOrNull } from '../util/regular-file.js';
import { layout } from './layout.js';

/** What writers of the experiment's files need from the index (a worker thread gets a proxy to the real one). */
export interface IndexWriter {
  readonly root: string;
  add(...entries: IndexEntry[]): Promise<void>;
  remove(paths: string[]): Promise<void>;
  removeUnder(prefix: string): Promise<void>;
}

/** One change to the index as data: what a worker thread or machine sends to the one writer of the index. */
export type IndexOp = { op: 'add'; entries: IndexEntry[] } | { op: 'remove'; paths: string[] } | { op: 'removeUnder'; prefix: string };

/** An IndexWriter that hands every change to `send` (for the one writer to apply with applyIndexOp) instead of writing. */
export function forwardingIndex(root: string, send: (op: IndexOp) => Promise<void>): IndexWriter {
  return {
    root,
    add: (...entries) => send({ op: 'add', entries }),
    remove: (paths) => send({ op: 'remove', paths }),
    removeUnder: (prefix) => send({ op: 'removeUnder', prefix }),
  };
}

/** Applies a change that forwardingIndex sent. */
export function applyIndexOp(index: IndexWriter, op: IndexOp): Promise<void> {
  if (op.op === 'add') return index.add(...op.entries);
  if (op.op === 'remove') return index.remove(op.paths);
  return index.removeUnder(op.prefix);
}

/**
 * checkpoint_index.json: every file the experiment owns, with kind, size, sha256, iteration, step and metrics.
 * Written atomically after a file is committed and before any file is deleted, so it never lists a deleted file
 * as present for longer than a crash; scanExperiment rebuilds it from disk.
 */
export class CheckpointIndex implements IndexWriter {
  private byPath = new Map<string, IndexEntry>();
  /** Saves run one after another: concurrent writers (worker threads) would otherwise share a temporary file. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    readonly root: string,
    readonly experiment: string,
    entries: IndexEntry[],
    private readonly now: () => Date,
  ) {
    for (const e of entries) this.byPath.set(e.path, e);
  }

  static from(root: string, experiment: string, entries: IndexEntry[], now: () => Date = () => new Date()): CheckpointIndex {
    return new CheckpointIndex(root, experiment, entries, now);
  }

  /** The index on disk, or null when there is none or it does not parse. */
  static async read(root: string, experiment: string): Promise<CheckpointIndex | null> {
    return (await CheckpointIndex.load(root, experiment)).index;
  }

  /**
   * The index on disk and, when it cannot be used, why: `missing` (no file) or a sentence naming the damage (not JSON,
   * wrong schema), so that every reader can tell the user instead of silently rebuilding it.
   */
  static async load(root: string, experiment: string): Promise<{ index: CheckpointIndex | null; problem: string | null; missing: boolean }> {
    let text: string;
    try {
      // A FIFO would block the read and a link would lead elsewhere: only a regular file is read.
      const info = await lstatOrNull(join(root, layout.index));
      if (info && !info.isFile()) return { index: null, problem: `${layout.index} is ${entryKind(info)}, not a regular file`, missing: false };
      text = await readFile(join(root, layout.index), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { index: null, problem: null, missing: true };
      return { index: null, problem: `${layout.index} cannot be read (${code ?? (err as Error).message})`, missing: false };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { index: null, problem: `${layout.index} is damaged: not JSON (${text.length} bytes)`, missing: false };
    }
    const parsed = checkpointIndexSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { index: null, problem: `${layout.index} is damaged: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, missing: false };
    }
    return { index: new CheckpointIndex(root, experiment, parsed.data.entries, () => new Date()), problem: null, missing: false };
  }

  get entries(): IndexEntry[] {
    return [...this.byPath.values()].sort(compareEntries);
  }

  get(path: string): IndexEntry | undefined {
    return this.byPath.get(path);
  }

  /** Records committed files (replacing entries of the same path) and saves the index. */
  async add(...entries: IndexEntry[]): Promise<void> {
    for (const e of entries) this.byPath.set(e.path, e);
    await this.save();
  }

  /** Drops entries and saves the index; call before deleting the files. */
  async remove(paths: string[]): Promise<void> {
    let changed = false;
    for (const p of paths) changed = this.byPath.delete(p) || changed;
    if (changed) await this.save();
  }

  /** Drops every entry under a folder prefix (e.g. iterations/iter_3/) and saves; call before removing it. */
  async removeUnder(prefix: string): Promise<void> {
    await this.remove([...this.byPath.keys()].filter((p) => p.startsWith(prefix)));
  }

  save(): Promise<void> {
    const next = this.saving.then(() => this.write());
    // The caller of save() gets the failure; the chain for the next save must not carry it.
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    const file = { formatVersion: FORMAT_VERSION, experiment: this.experiment, updatedAt: this.now().toISOString(), entries: this.entries };
    await writeFileAtomic(join(this.root, layout.index), JSON.stringify(checkpointIndexSchema.parse(file), null, 1) + '\n');
  }
}

function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return (a.iteration ?? 0) - (b.iteration ?? 0) || (a.step ?? 0) - (b.step ?? 0) || a.path.localeCompare(b.path);
}
