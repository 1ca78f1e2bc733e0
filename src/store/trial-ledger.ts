import { link, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { isAccessDenied, AccessError, NotOwnedError, UsageError } from '../errors/index.js';
import { LEDGER_NAME, ledgerHeaderSchema, ledgerTrialSchema, type LedgerHeader, type LedgerTrial } from '../records/index.js';
import { lstatOrNull, openForAppend, refuseNonFolder } from '../util/regular-file.js';
import { tempPathFor } from './atomic-file.js';
import { layout } from './layout.js';
import { claimFolder, checkOwned } from './ownership.js';

/**
 * The trial ledgers at a results folder's root: one JSON-lines file per ledger, a header line first, then one line per
 * finished run. Lines are only ever appended, each in one write of the whole line to a file opened for appending (the
 * kernel keeps two appenders' lines whole and apart), and fsynced; nothing of this program removes or rewrites a
 * ledger (cleanup and --fresh work inside experiment folders). A last line cut short by a crash is skipped with a
 * warning, and the next append starts on a line of its own.
 */

export const DEFAULT_LEDGER = 'default';
const FOLDER_HINT = 'move it away: the trial ledgers of wfo-rl live there';
const TORN = '(a write cut short); skipped';

/** Refuses a ledger name that is no plain file name (exit 2). */
export function checkLedgerName(name: string): string {
  if (!LEDGER_NAME.test(name)) {
    throw new UsageError(
      `--ledger ${JSON.stringify(name.slice(0, 120))}: a ledger's name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/** The file of ledger `name` under the results folder `root`. */
export function ledgerFile(root: string, name: string): string {
  return join(root, layout.ledgers.file(checkLedgerName(name)));
}

export interface LedgerContents {
  file: string;
  /** Every readable trial line, in the order appended. */
  trials: LedgerTrial[];
  /** A torn last line, or a line that is not a trial: skipped, each said once. */
  warnings: string[];
}

/** The trials of ledger `name` (none when it does not exist yet); refuses a file that is not a ledger of this program. */
export async function readLedger(root: string, name: string): Promise<LedgerContents> {
  return readLedgerFile(ledgerFile(root, name));
}

/** The trials of the ledger at `file`, as readLedger. */
export async function readLedgerFile(file: string): Promise<LedgerContents> {
  const info = await lstatOrNull(file);
  if (!info) return { file, trials: [], warnings: [] };
  if (!info.isFile()) throw notALedger(file, 'it is not a regular file');
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw isAccessDenied(err) ? new AccessError(file, err.code as string) : err;
  });
  return parseLedger(file, text);
}

/**
 * Follows a torn line that an append closed off: the line before it is known to be cut short and was reported when it
 * was closed, so reading it again says nothing.
 */
const closedMarkerSchema = z.strictObject({ kind: z.literal('torn-line-closed'), at: z.string() });

/**
 * The lines of a ledger file's text: its header checked, its trials, and what was skipped. A ledger of ours is never
 * empty (its header comes with the file), so an empty file is someone else's.
 */
export function parseLedger(file: string, text: string): LedgerContents {
  if (text === '') throw notALedger(file, 'it is empty, and a trial ledger of wfo-rl starts with its header');
  const lines = text.split('\n');
  const torn = lines.pop() as string;
  const header = lines.length ? ledgerHeaderSchema.safeParse(parseOrNull(lines[0])) : null;
  if (!header?.success) throw notALedger(file, 'its first line is not the header of a trial ledger of wfo-rl');
  const trials: LedgerTrial[] = [];
  const warnings: string[] = [];
  const closed = (line: string | undefined) => line !== undefined && closedMarkerSchema.safeParse(parseOrNull(line)).success;
  lines.forEach((line, i) => {
    // A line an append closed off was skipped (and said) as torn when it was last: it stays skipped, even if whole.
    if (i === 0 || line.trim() === '' || closed(line) || closed(lines[i + 1])) return;
    const trial = ledgerTrialSchema.safeParse(parseOrNull(line));
    if (trial.success) trials.push(trial.data);
    else warnings.push(`${file}: line ${i + 1} is not a trial record; skipped`);
  });
  if (torn !== '') warnings.push(`${file}: the last line is incomplete ${TORN}`);
  return { file, trials, warnings };
}

/**
 * Makes sure ledger `name` can be appended to before a run spends its time (and before it makes its folder): the
 * ledgers folder and the file, where they exist, are this program's. Reads only.
 */
export async function checkLedger(root: string, name: string): Promise<void> {
  const file = ledgerFile(root, name);
  // A results folder that is not there yet holds no ledger; one that is no folder is refused where experiments are made.
  const home = await stat(root).catch(() => null);
  if (!home?.isDirectory()) return;
  await refuseNonFolder(dirname(file), FOLDER_HINT);
  await checkOwned(dirname(file), 'ledger', layout.ledgers.folder);
  await readLedger(root, name);
}

/** Appends one trial to ledger `name` under `root`, creating the folder and the file (with its header) when missing. */
export async function appendTrial(root: string, name: string, trial: LedgerTrial, now: () => Date = () => new Date()): Promise<LedgerContents> {
  const file = ledgerFile(root, name);
  await refuseNonFolder(dirname(file), FOLDER_HINT);
  await mkdir(dirname(file), { recursive: true });
  await claimFolder(dirname(file), 'ledger', layout.ledgers.folder, { now });
  await createWithHeader(file, { product: 'wfo-rl', kind: 'trial-ledger', formatVersion: 1, ledger: name, createdAt: now().toISOString() });
  const line = JSON.stringify(ledgerTrialSchema.parse(trial));
  // The file is there with its header by now: one that went missing meanwhile is not made again without one.
  const handle = await openForAppend(file, FOLDER_HINT, { create: false }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    throw new Error(`${file}: the trial ledger was removed while this run was adding its trial to it; nothing was written`);
  });
  let before: LedgerContents;
  try {
    before = parseLedger(file, await readFile(file, 'utf8'));
    // A torn last line is closed off and marked, so this trial starts a line of its own and the tear is told once.
    const tornTail = before.warnings.some((w) => w.endsWith(TORN));
    const marker = tornTail ? `\n${JSON.stringify({ kind: 'torn-line-closed', at: now().toISOString() })}\n` : '';
    const text = Buffer.from(`${marker}${line}\n`);
    const { bytesWritten } = await handle.write(text);
    await handle.sync();
    // A short write (a full disk) leaves a torn line, which the next append closes off; this run's trial is not in.
    if (bytesWritten !== text.length) {
      throw new Error(`${file}: only ${bytesWritten} of ${text.length} bytes of this run's trial were written (is the disk full?)`);
    }
  } finally {
    await handle.close();
  }
  const after = await readLedger(root, name);
  return { ...after, warnings: [...new Set([...before.warnings, ...after.warnings])] };
}

/** Writes the header under a temporary name and links it into place: the file appears whole, or another's stays. */
async function createWithHeader(file: string, header: LedgerHeader): Promise<void> {
  if (await lstatOrNull(file)) return;
  const temp = tempPathFor(file);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(header)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
  } catch (err) {
    // Another run created it first: its header stands.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

function notALedger(file: string, why: string): NotOwnedError {
  return new NotOwnedError(
    file,
    `refusing to use ${file} as a trial ledger: ${why}; nothing was written to it; move it away or give another --ledger`,
  );
}

function parseOrNull(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Not JSON: the schema check that follows reports the line.
    return null;
  }
}
