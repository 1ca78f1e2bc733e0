import { readdir, stat } from 'node:fs/promises';
import { ExperimentNotFoundError } from '../errors/index.js';
import { experimentPaths, layout, type ExperimentPaths } from '../store/layout.js';
import { checkOwned } from '../store/ownership.js';

/** Files of which any one makes a folder an experiment to read (the lock alone: one starting right now). */
const EXPERIMENT_FILES: readonly string[] = [layout.config, layout.runLog, layout.index, layout.summary, layout.lock];

/**
 * The paths of an experiment that a reading command looks at. An unknown id is refused with the experiments the
 * results folder does hold (as `list` does), a study folder with where its experiments are, a folder that is not
 * ours (no marker; see store/ownership.ts) and a folder holding none of an experiment's files as not an experiment:
 * each would otherwise read as "not started".
 */
export async function experimentToRead(resultsDir: string, experiment: string): Promise<ExperimentPaths> {
  const paths = experimentPaths(resultsDir, experiment);
  // Nothing readable there: the refusal below explains what is.
  if (!(await stat(paths.root).catch(() => null))?.isDirectory()) {
    // Loaded only to explain the refusal: the experiment store's module graph (zips, scans) costs a status 0.4 s.
    const { checkExperimentFolder } = await import('../store/experiment.js');
    await checkExperimentFolder(paths.root);
  }
  const names = await readdir(paths.root);
  if (names.includes(layout.study.manifest)) {
    throw new ExperimentNotFoundError(
      `${paths.root} is a study (${layout.study.manifest}), not an experiment: its points are the experiments in it; wfo experiments --results-dir ${paths.root} lists them`,
    );
  }
  await checkOwned(paths.root, 'experiment', experiment);
  if (!EXPERIMENT_FILES.some((name) => names.includes(name))) {
    throw new ExperimentNotFoundError(`${paths.root} is not an experiment folder: it holds no ${layout.config}, ${layout.runLog} or ${layout.index}`);
  }
  return paths;
}
