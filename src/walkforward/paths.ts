import { join } from 'node:path';

/** Where everything of one experiment lives. */
export function experimentPaths(resultsDir: string, experiment: string) {
  const root = join(resultsDir, experiment);
  const checkpoints = join(root, 'checkpoints');
  const iterationDir = (n: number) => join(root, 'iterations', `iter_${n}`);
  return {
    root,
    checkpoints,
    iterations: join(root, 'iterations'),
    iterationDir,
    currentBest: (n: number) => join(iterationDir(n), 'curr_best_model.zip'),
    preservedModel: (n: number) => join(checkpoints, `model_iter_${n}.zip`),
    metrics: (n: number) => join(checkpoints, `metrics_iter_${n}.json`),
    placeholder: (n: number) => join(checkpoints, `no_model_iter_${n}.json`),
    config: join(root, 'config.json'),
    bestModel: join(root, 'best_model.zip'),
    bestModelJson: join(root, 'best_model.json'),
    summary: join(root, 'walkforward_summary.json'),
    checkpointSummary: join(root, 'checkpoint_summary.json'),
    oosReturns: join(root, 'oos_returns.csv'),
    runLog: join(root, 'run.log'),
    visualizations: join(root, 'visualizations'),
    report: join(root, 'report.html'),
  };
}

export type ExperimentPaths = ReturnType<typeof experimentPaths>;
