import { stitchOutOfSample } from '../../analysis/out-of-sample.js';
import { TensorBoardWriter } from '../../logging/tensorboard/index.js';
import type { IterationRecord } from '../../records/index.js';
import type { RunContext } from '../context/index.js';
import { warnDamaged } from '../seed/index.js';

/** The scalar tags of tensorboard/experiment/. */
export const experimentTags = {
  /** Stitched out-of-sample equity (growth of 1), one point per bar, at the bar's row of the series. */
  equity: 'oos/equity',
  buyAndHoldEquity: 'oos/equity_buy_and_hold',
  /** Test Sharpe of each iteration, at its iteration number. */
  testSharpe: 'test/sharpe',
} as const;

/**
 * Writes the experiment's TensorBoard folder once the records are final: stitched equity per out-of-sample bar and
 * the test Sharpe of each iteration. A rerun of a finished experiment appends nothing (the writer skips known steps).
 */
export async function writeExperimentBoard(ctx: RunContext, records: IterationRecord[]): Promise<void> {
  if (!ctx.config.logging.tensorboard) return;
  const now = () => ctx.store.now().getTime();
  const writer = await TensorBoardWriter.open(ctx.store.paths.tensorboardExperiment, {
    startSeconds: Math.floor(now() / 1000),
    now,
    flushIntervalMs: 0,
  });
  warnDamaged(ctx.logger, writer);
  try {
    const entryCost = (ctx.config.env.costBps + ctx.config.env.slippageBps) / 1e4;
    let equity = 1;
    let buyAndHold = 1;
    for (const bar of stitchOutOfSample(records, entryCost, ctx.metricOptions).bars) {
      equity *= 1 + bar.strategyReturn;
      buyAndHold *= 1 + bar.buyAndHoldReturn;
      writer.scalars(bar.row, { [experimentTags.equity]: equity, [experimentTags.buyAndHoldEquity]: buyAndHold });
    }
    for (const r of [...records].sort((a, b) => a.iteration - b.iteration)) {
      if (r.metrics.test.sharpe !== null) writer.scalar(experimentTags.testSharpe, r.iteration, r.metrics.test.sharpe);
    }
  } finally {
    await writer.close();
  }
}
