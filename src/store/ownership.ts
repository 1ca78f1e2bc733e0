import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { AccessError, isAccessDenied, NotOwnedError } from '../errors/index.js';
import { runConfigSchema } from '../records/index.js';
import { studyManifestSchema } from '../records/index.js';
import { deniedFolder, lstatOrNull } from '../util/regular-file.js';
import { isTempName } from './atomic-file.js';
import { writeJson } from './json-file.js';
import { layout } from './layout.js';

/**
 * What is ours is decided by a marker this program writes first into every folder it makes (or adopts while it is
 * still empty), never by file names: a folder that holds anything and has no valid marker belongs to someone else,
 * and no command writes, renames or deletes in it. Experiments of earlier versions, which wrote no marker, are
 * adopted when their config.json is a run record naming the same experiment (the content, not the name, decides).
 */

export type FolderKind = 'experiment' | 'study' | 'ledger';

export const ownerMarkerSchema = z.strictObject({
  formatVersion: z.literal(1),
  product: z.literal('wfo-rl'),
  kind: z.enum(['experiment', 'study', 'ledger']),
  /** The id the folder was made for (an experiment folder renamed since stays ours). */
  id: z.string(),
  createdAt: z.string(),
});
export type OwnerMarker = z.infer<typeof ownerMarkerSchema>;

export type Ownership =
  | { state: 'missing' }
  | { state: 'empty' }
  | { state: 'ours'; marker: OwnerMarker }
  /** Made by an earlier version of this program (no marker yet). */
  | { state: 'legacy' }
  | { state: 'foreign'; why: string };

/** Records larger than this are not ours (a config.json or marker is a few KiB). */
const MAX_RECORD_BYTES = 16 * 2 ** 20;
const article = (kind: FolderKind) => ({ experiment: 'an experiment', study: 'a study', ledger: 'a folder of trial ledgers' })[kind];
const hints: Record<FolderKind, string> = {
  experiment: 'give another --experiment or --results-dir, or empty that folder',
  study: 'rename the study or move that folder away',
  ledger: 'move that folder away; the trial ledgers of wfo-rl live there',
};

/** What `folder` is to this program; reads only. `id` is the experiment id (or study name) it is opened as. */
export async function ownershipOf(folder: string, kind: FolderKind, id = basename(folder)): Promise<Ownership> {
  const info = await stat(folder).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw isAccessDenied(err) ? new AccessError(await deniedFolder(folder), err.code as string) : err;
  });
  if (!info) return { state: 'missing' };
  if (!info.isDirectory()) return { state: 'foreign', why: 'it is a file, not a folder' };
  const names = await readdir(folder).catch((err: NodeJS.ErrnoException) => {
    throw isAccessDenied(err) ? new AccessError(folder, err.code as string, 'list') : err;
  });
  // A marker whose write was cut short leaves only its temporary file: the folder is still as good as empty.
  const held = names.filter((n) => !(n.startsWith(`${layout.ownerMarker}.`) && isTempName(n)));
  if (!held.length) return { state: 'empty' };
  if (held.includes(layout.ownerMarker)) {
    const marker = await readRecord(join(folder, layout.ownerMarker), ownerMarkerSchema);
    if (!marker.ok) return { state: 'foreign', why: `its ${layout.ownerMarker} is not a marker of wfo-rl (${marker.problem})` };
    if (marker.value.kind !== kind) return { state: 'foreign', why: `it is ${article(marker.value.kind)} of wfo-rl, not ${article(kind)}` };
    return { state: 'ours', marker: marker.value };
  }
  const legacy = await legacyRecord(folder, kind, id, held);
  return legacy === null ? { state: 'legacy' } : { state: 'foreign', why: legacy };
}

/**
 * Refuses (NotOwnedError, exit 2) a folder that exists and is not ours, for commands that only read; an experiment of
 * an earlier version is read as it is (the marker is written by the next command that writes).
 */
export async function checkOwned(folder: string, kind: FolderKind, id?: string): Promise<Ownership> {
  const found = await ownershipOf(folder, kind, id);
  if (found.state === 'foreign') throw refusal(folder, kind, found.why);
  return found;
}

/**
 * Makes an existing folder ours before anything is written in it: writes the marker into an empty folder, adopts an
 * experiment (or study) of an earlier version by writing its marker (saying so through `log`), and refuses any other
 * folder that holds something. Returns what it found.
 */
export async function claimFolder(
  folder: string,
  kind: FolderKind,
  id: string,
  options: { now?: () => Date; log?: (line: string) => void } = {},
): Promise<'claimed' | 'adopted' | 'ours'> {
  const found = await ownershipOf(folder, kind, id);
  if (found.state === 'ours') return 'ours';
  if (found.state === 'foreign') throw refusal(folder, kind, found.why);
  if (found.state === 'missing') throw new NotOwnedError(folder, `${folder} does not exist; nothing to claim`);
  const marker: OwnerMarker = { formatVersion: 1, product: 'wfo-rl', kind, id, createdAt: (options.now ?? (() => new Date()))().toISOString() };
  await writeJson(join(folder, layout.ownerMarker), ownerMarkerSchema, marker);
  if (found.state === 'empty') return 'claimed';
  const record = kind === 'experiment' ? layout.config : layout.study.manifest;
  options.log?.(`adopted ${folder}: ${article(kind)} made by an earlier version of wfo-rl (its ${record} names ${id}); wrote ${layout.ownerMarker}`);
  return 'adopted';
}

function refusal(folder: string, kind: FolderKind, why: string): NotOwnedError {
  return new NotOwnedError(folder, `refusing to use ${folder}: ${why}; nothing in it was touched; ${hints[kind]}`);
}

/** Null when the folder is ours from an earlier version; else why it is not, in words. */
async function legacyRecord(folder: string, kind: FolderKind, id: string, held: string[]): Promise<string | null> {
  const notOurs = `it holds ${shown(held)} but is not ${article(kind)} of wfo-rl (no ${layout.ownerMarker})`;
  // Ledgers came with their marker: a folder of them without one was never ours.
  if (kind === 'ledger') return notOurs;
  const file = kind === 'experiment' ? layout.config : layout.study.manifest;
  if (!held.includes(file)) return notOurs;
  const read =
    kind === 'experiment' ? await readRecord(join(folder, file), runConfigSchema) : await readRecord(join(folder, file), studyManifestSchema);
  if (!read.ok) return `${notOurs}; its ${file} is not a record of wfo-rl (${read.problem})`;
  const named = 'experiment' in read.value ? read.value.experiment : read.value.study;
  return named === id ? null : `${notOurs}; its ${file} names ${kind} ${JSON.stringify(named)}, not ${JSON.stringify(id)}`;
}

const shown = (names: string[]) => {
  const sorted = [...names].sort();
  if (sorted.length > 3) return `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more`;
  return sorted.length > 1 ? `${sorted.slice(0, -1).join(', ')} and ${sorted.at(-1)}` : sorted[0];
};

/** A small JSON record of ours: a regular file (never a FIFO or link, which could block or lead elsewhere) that parses. */
async function readRecord<S extends z.ZodType>(path: string, schema: S): Promise<{ ok: true; value: z.output<S> } | { ok: false; problem: string }> {
  const info = await lstatOrNull(path);
  if (!info?.isFile()) return { ok: false, problem: info ? 'not a regular file' : 'missing' };
  if (info.size > MAX_RECORD_BYTES) return { ok: false, problem: `${info.size} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if (isAccessDenied(err)) throw new AccessError(path, (err as NodeJS.ErrnoException).code as string);
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: `${parsed.error.issues[0].path.join('.') || '(top level)'}: ${parsed.error.issues[0].message}` };
  return { ok: true, value: parsed.data };
}
