/**
 * A worker thread that runs whole iterations for the pipeline. It writes the iteration's own files itself; every
 * change to the index goes to the main thread (the one writer of checkpoint_index.json) and is awaited.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../backend/select-backend.js';
import { computeFeatures } from '../data/features.js';
import type { IndexWriter } from '../checkpoint/index-store.js';
import { loadTrainingCheckpoint } from '../checkpoint/training-checkpoint.js';
import { createRunLogger } from '../logging/logger.js';
import { createTrace } from '../logging/trace.js';
import { ChartWriter } from '../report/charts-writer.js';
import type { IndexEntry } from '../records/schemas.js';
import type { RunContext } from './context.js';
import { experimentPaths } from './paths.js';
import { planExperiment } from './plan.js';
import { runOneIteration } from './run-iteration.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-messages.js';

const port = parentPort as NonNullable<typeof parentPort>;
const setup = workerData as WorkerSetup;
const post = (message: FromWorker) => port.postMessage(message);
const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
let nextId = 0;
const controller = new AbortController();

type IndexRequest = Extract<FromWorker, { type: 'index' }>;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

function call(message: WithoutId<IndexRequest>): Promise<void> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    post({ ...message, id } as FromWorker);
  });
}

const index: IndexWriter = {
  root: experimentPaths(setup.config.resultsDir, setup.experiment).root,
  add: (...entries: IndexEntry[]) => call({ type: 'index', op: 'add', entries }),
  remove: (paths: string[]) => call({ type: 'index', op: 'remove', paths }),
  removeUnder: (prefix: string) => call({ type: 'index', op: 'removeUnder', prefix }),
};

await selectBackend(setup.config.backend);
const plan = planExperiment(setup.config);
const logger = createRunLogger({ level: setup.logLevel, runId: setup.runId, experiment: setup.experiment, sink: (record) => post({ type: 'log', record }) });
const paths = experimentPaths(setup.config.resultsDir, setup.experiment);
const ctx: RunContext = {
  experiment: setup.experiment,
  config: setup.config,
  paths,
  index,
  series: plan.series,
  features: computeFeatures(plan.series.price, setup.config.env, setup.config.features),
  windows: plan.windows,
  seed: setup.seed,
  configHash: setup.configHash,
  metadata: setup.metadata,
  metricOptions: { periodsPerYear: setup.config.data.periodsPerYear, riskFreeRate: setup.config.data.riskFreeRate },
  plan: setup.plan,
  logger,
  onProgress: (state) => post({ type: 'progress', state }),
  trace: createTrace(),
  signal: controller.signal,
};
const charts = setup.charts ? new ChartWriter(paths.visualizations, logger, setup.config.selection.metric, setup.config.training.timesteps) : null;

port.on('message', async (message: ToWorker) => {
  if (message.type === 'ack') {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error));
    else waiter?.resolve();
    return;
  }
  if (message.type === 'abort') {
    controller.abort(message.reason);
    return;
  }
  const window = plan.windows.find((w) => w.iteration === message.iteration);
  try {
    if (!window) throw new Error(`iteration ${message.iteration} is not in the plan`);
    if (message.resumeFrom) {
      const { metadata, snapshot } = await loadTrainingCheckpoint(message.resumeFrom);
      ctx.resumeFrom = { file: message.resumeFrom, iteration: metadata.iteration, snapshot };
    }
    const outcome = await runOneIteration(ctx, window, null, charts);
    post({ type: 'done', iteration: message.iteration, outcome });
  } catch (err) {
    const e = err as Error & { signal?: string; file?: string; code?: string };
    post({ type: 'error', iteration: message.iteration, error: { name: e.name, message: e.message, signal: e.signal, file: e.file, code: e.code } });
  }
});
