/**
 * A worker thread of the pipeline: it runs whole iterations and draws plots. It loads the data as soon as it
 * starts and waits for the run's setup; it writes an iteration's own files itself, and every change to the index
 * goes to the main thread (the one writer of checkpoint_index.json) and is awaited.
 */
import { algorithmOf } from '../../agent/registry.js';
import { parentPort, workerData } from 'node:worker_threads';
import { useKernelModule } from '../../agent/kernel/mlp-kernel.js';
import { selectBackend } from '../../backend/select-backend.js';
import { fromWire, toWire } from '../../errors/index.js';
import { createRunLogger } from '../../logging/logger.js';
import type { ChartSink } from '../../report/chart-jobs.js';
import { ChartWriter } from '../../report/charts-writer.js';
import type { RunContext } from '../context/index.js';
import { experimentPaths } from '../../store/layout.js';
import { explicitResumePoint } from '../seed/index.js';
import { buildRunContext, loadRunData, type RunSetup } from '../context/index.js';
import { runOneIteration } from '../selection/index.js';
import type { FromWorker, ToWorker, WorkerData } from './worker-messages.js';
import { forwardingIndex } from '../../store/index-store.js';

const port = parentPort as NonNullable<typeof parentPort>;
const { experiment, config, kernel } = workerData as WorkerData;
if (kernel) useKernelModule(kernel);
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

const index = forwardingIndex(experimentPaths(config.resultsDir, experiment).root, (op) => call({ type: 'index', ...op }));

await selectBackend(config.backend);
const data = await loadRunData(config);
post({ type: 'loaded' });
let ctx: RunContext | null = null;
let charts: ChartWriter | null = null;
/** Plots of the iteration in progress go to the main thread, which hands them to whichever worker is free. */
let chartRequests: ChartSink | null = null;

function configure(setup: RunSetup): void {
  const logger = createRunLogger({ level: setup.logLevel, runId: setup.runId, experiment, sink: (record) => post({ type: 'log', record }) });
  ctx = buildRunContext(data, setup, {
    index,
    logger,
    now: () => new Date(),
    onProgress: (state) => post({ type: 'progress', state }),
    signal: controller.signal,
  });
  charts = new ChartWriter(ctx.store.paths.visualizations, logger);
  chartRequests = setup.charts ? { write: async (job) => post({ type: 'chart-request', job }) } : null;
}

async function runIteration(context: RunContext, iteration: number, resumeFrom: string | null): Promise<void> {
  const window = context.windows.find((w) => w.iteration === iteration);
  if (!window) throw new Error(`iteration ${iteration} is not in the plan`);
  const explicit = resumeFrom ? await explicitResumePoint(resumeFrom, algorithmOf(context.config.agent)) : undefined;
  const outcome = await runOneIteration({ ...context, resumeFrom: explicit }, window, null, chartRequests);
  post({ type: 'done', iteration, outcome });
}

/** One message from the main thread; every failure goes back to it as an error message, so nothing is left unhandled. */
async function handle(message: ToWorker): Promise<void> {
  try {
    switch (message.type) {
      case 'ack': {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(fromWire(message.error));
        else waiter?.resolve();
        return;
      }
      case 'abort':
        controller.abort(message.reason);
        return;
      case 'setup':
        configure(message.setup);
        return;
      case 'run':
        if (!ctx) throw new Error('a worker was given an iteration before the run was set up');
        await runIteration(ctx, message.iteration, message.resumeFrom);
        return;
      case 'chart':
        if (!charts) throw new Error('a worker was given a plot before the run was set up');
        await charts.write(message.job);
        post({ type: 'chart-done', file: message.job.file });
        return;
    }
  } catch (err) {
    post({ type: 'error', error: toWire(err) });
  }
}

port.on('message', (message: ToWorker) => void handle(message));
