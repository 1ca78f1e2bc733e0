import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName } from '../store/atomic-file.js';
import type { IndexWriter } from '../store/index-store.js';
import { isPipelineFile } from '../store/layout.js';
import type { TrainingStore } from '../store/training-store.js';
import { entriesIfPresent } from '../util/folder-entries.js';
import { decide, type Policy } from './policies.js';

/**
 * Deleting what the pipeline owns (with cleanup.ts, which removes the models a user's retention policy drops, the
 * only places that delete). Every deletion of an owned file updates the index first, so the index never lists a
 * file that is gone; a crash in between leaves a file the next start re-indexes.
 */
export async function deleteIndexed(index: IndexWriter, relativePaths: string[]): Promise<void> {
  if (!relativePaths.length) return;
  await index.remove(relativePaths);
  for (const p of relativePaths) await rm(join(index.root, p), { force: true });
}

/**
 * Removes a folder of the experiment (e.g. iterations/iter_3) after the index forgot everything under it: the files the
 * pipeline writes there and its temporary files, then the folders left empty, deepest first. Anything else (a file
 * someone put there, a link) stays, and so do the folders holding it; returns those paths for a warning.
 */
export async function deleteFolder(index: IndexWriter, relativeFolder: string): Promise<string[]> {
  await index.removeUnder(`${relativeFolder}/`);
  return removeOwnedTree(index.root, relativeFolder);
}

async function removeOwnedTree(root: string, relativeFolder: string): Promise<string[]> {
  const folder = join(root, relativeFolder);
  const entries = await entriesIfPresent(folder);
  const kept: string[] = [];
  for (const entry of entries) {
    const path = `${relativeFolder}/${entry.name}`;
    // Dirents do not follow links: a link is never entered, only kept.
    if (entry.isDirectory()) kept.push(...(await removeOwnedTree(root, path)));
    else if (entry.isFile() && (isPipelineFile(path) || isTempName(entry.name))) await rm(join(root, path), { force: true });
    else kept.push(path);
  }
  // A folder that is not empty after all (a file appeared) stays.
  if (!kept.length) await rmdir(folder).catch(() => undefined);
  return kept;
}

/** Removes the training checkpoints of an iteration that the policy does not keep (policies order them by step); returns their paths. */
export async function pruneTraining(index: IndexWriter, training: TrainingStore, policy: Policy): Promise<string[]> {
  const steps = (await training.steps()).map((step) => ({ iteration: step }));
  const doomed = decide(steps, [policy]).filter((d) => !d.keep);
  const paths = doomed.map((d) => training.pathOf(d.candidate.iteration));
  await deleteIndexed(index, paths);
  return paths;
}

/**
 * Removes temporary leftovers of interrupted writes under `folder` (recursively, never through a link): regular files
 * whose name is one this program gives its temporary files, nothing else. Returns what it removed.
 */
export async function removeTempLeftovers(folder: string): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await entriesIfPresent(folder)) {
    const path = join(folder, entry.name);
    if (entry.isFile() && isTempName(entry.name)) {
      await rm(path, { force: true });
      removed.push(path);
    } else if (entry.isDirectory()) removed.push(...(await removeTempLeftovers(path)));
  }
  return removed;
}
