import { readFile } from 'node:fs/promises';
import { openForAppend, refuseNonRegular } from '../util/regular-file.js';

/**
 * cleanup_journal.jsonl: one JSON line per cleanup plan, per file it removed or archived, and a `done` line. A plan
 * without its `done` line is a cleanup that was killed part way; the next cleanup finishes it.
 */

/** A cleanup's plan as the journal's first line about it: what goes, by which rule, into which archive. */
export interface PlannedRemoval {
  action: 'planned';
  plan: string;
  time: string;
  rule: string;
  archive: string | null;
  files: Array<{ file: string; iteration: number; size: number; sha256: string }>;
}

/** Plans in the journal with no `done` line: a cleanup that was killed part way. */
export async function pendingPlans(journal: string): Promise<PlannedRemoval[]> {
  const lines = await journalLines(journal);
  const finished = new Set(lines.filter((l) => l.action === 'done').map((l) => l.plan));
  return lines.filter(
    (l): l is PlannedRemoval & Record<string, unknown> => l.action === 'planned' && Array.isArray(l.files) && !finished.has(l.plan),
  );
}

export async function journalLines(journal: string): Promise<Array<Record<string, unknown>>> {
  // A FIFO would block the read, a link would read (and later append to) a file elsewhere.
  await refuseNonRegular(journal);
  // No journal yet: no removal was ever planned.
  const text = await readFile(journal, 'utf8').catch(() => '');
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A torn last line from a kill while appending: the plan it began was never acted on.
    }
  }
  return out;
}

/** Appends lines and fsyncs them (the file must be a regular file of ours). */
export async function appendJournal(path: string, lines: object[]): Promise<void> {
  if (!lines.length) return;
  const handle = await openForAppend(path);
  try {
    await handle.appendFile(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
}
