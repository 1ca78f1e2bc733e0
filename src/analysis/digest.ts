import type { Metrics } from './metrics.js';
import type { IterationDigest, IterationRecord, MetricDigest } from '../records/index.js';

export function metricDigest(m: Metrics | MetricDigest): MetricDigest {
  return {
    sharpe: m.sharpe,
    sortino: m.sortino,
    totalReturn: m.totalReturn,
    cagr: m.cagr,
    maxDrawdown: m.maxDrawdown,
    annualVolatility: m.annualVolatility,
  };
}

/** The brief of a metrics or placeholder record that the index carries. */
export function digestOf(record: IterationRecord): IterationDigest {
  return {
    iteration: record.iteration,
    status: record.kind,
    selectionMetric: record.selection.metric,
    selectionScore: record.selection.score,
    selectionStep: record.selection.step,
    reason: record.kind === 'placeholder' ? record.reason : null,
    window: record.window,
    validation: record.kind === 'model' && record.metrics.validation ? metricDigest(record.metrics.validation) : null,
    test: metricDigest(record.metrics.test),
    buyAndHoldTest: metricDigest(record.buyAndHold.test),
    model: record.kind === 'model' ? record.model : null,
    untrainedScore: record.selection.untrained?.score ?? null,
    testChancePercentile: record.luck.chance.test?.keptPercentile ?? null,
  };
}
