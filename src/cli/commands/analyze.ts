import type { CommandModule } from 'yargs';
import { oneSided } from '../../analysis/experiment-luck.js';
import type { ExperimentLuck } from '../../records/index.js';
import { experimentRoot, withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';
import { num, table } from '../format.js';

type Args = ExperimentArgs & { json?: boolean };

export const analyzeCommand: CommandModule<object, Args> = {
  command: 'analyze',
  describe: 'How the preserved models did: score spreads, best iterations, trend, validation-test correlation, out of sample',
  builder: (y) => withExperimentOptions(y).option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const { analyzeCheckpointPerformance } = await import('../../inspect/performance.js');
    const a = await analyzeCheckpointPerformance(experimentRoot(args));
    for (const w of a.warnings) process.stderr.write(`warning: ${w}\n`);
    if (args.json) {
      process.stdout.write(JSON.stringify(a, null, 2) + '\n');
      return;
    }
    const s = a.analysis;
    const d = (name: string, x: typeof s.testSharpe) => [name, String(x.count), num(x.mean), num(x.std), num(x.min), num(x.median), num(x.max)];
    const lines = [
      `Experiment ${a.experiment}: ${s.iterations} iterations, ${s.withModel} with a model, ${s.placeholders} without`,
      table([
        ['', 'count', 'mean', 'std', 'min', 'median', 'max'],
        d('validation sharpe', s.validationSharpe),
        d('test sharpe', s.testSharpe),
        d('validation return', s.validationReturn),
        d('test return', s.testReturn),
      ]),
      `Best iteration by validation: ${s.bestByValidation ?? 'none'} (the selection)`,
      `Trend of test sharpe per iteration: ${num(s.testSharpeSlope.value, 4)}${s.testSharpeSlope.reason ? ` (${s.testSharpeSlope.reason})` : ''}`,
      `Correlation validation vs test sharpe: ${num(s.validationTestCorrelation.value)}${s.validationTestCorrelation.reason ? ` (${s.validationTestCorrelation.reason})` : ''}`,
    ];
    if (a.outOfSample) {
      const o = a.outOfSample;
      lines.push(
        `Out of sample (${o.bars} bars): sharpe ${num(o.strategy.sharpe)}, return ${num(o.strategy.totalReturn)}, max drawdown ${num(o.strategy.maxDrawdown)}; ` +
          `buy-and-hold sharpe ${num(o.buyAndHold.sharpe)}, return ${num(o.buyAndHold.totalReturn)}`,
        `Walk-forward efficiency: ${num(o.walkForwardEfficiency.value)}${o.walkForwardEfficiency.reason ? ` (${o.walkForwardEfficiency.reason})` : ''}; t-statistic of OOS returns: ${num(o.tStatistic.value)}`,
      );
      if (o.luck) lines.push(...luckLines(o.luck, o.trialsCountedThen));
    } else lines.push(`Out of sample: ${a.outOfSampleReason}`);
    lines.push(`Diagnostic, in hindsight (not a selection): best iteration on test ${s.diagnostics.bestByTestInHindsight ?? 'none'}`);
    process.stdout.write(lines.join('\n') + '\n');
  },
};

/** "Did it learn?" in a few lines: the verdict and each statistic behind it, the validation search's diagnostics last. */
export function luckLines(l: ExperimentLuck, countedThen: number | null = null): string[] {
  const lines = [`Did it learn? ${l.sentence}`];
  const t = l.trials;
  if (t) {
    const then = countedThen === null ? '' : `; ${countedThen} when this run finished`;
    lines.push(
      t.count > 1
        ? `  trials: ${t.count} configurations on these data and test bars in ledger ${t.ledger} (${t.file}${then}); luck alone would give the best an annualized sharpe of ${num(t.annualizedExpectedMaxSharpe)}, the best tried made ${num(t.annualizedBestSharpe)}; deflated Sharpe ratio ${num(t.dsr)}`
        : `  trials: the only configuration on these data and test bars in ledger ${t.ledger} (${t.file}${then})`,
    );
  }
  lines.push(
    `  probabilistic Sharpe ratio vs 0: ${num(l.psr.vsZero.psr)}, vs buy-and-hold: ${num(l.psr.vsBuyAndHold.psr)}`,
    `  mean return: Newey-West t ${num(l.significance.neweyWestT)} (one-sided p ${num(oneSided(l.significance.neweyWestT, l.significance.neweyWestPValue))}, two-sided ${num(l.significance.neweyWestPValue)}, ${l.significance.lags} lags); plain t ${num(l.significance.iidT)} (p ${num(l.significance.iidPValue)})`,
    `  random policies with the same turnover: sharpe p5 ${num(l.chance.p5)}, median ${num(l.chance.p50)}, p95 ${num(l.chance.p95)}; the strategy at percentile ${num(l.chance.keptPercentile, 1)}`,
  );
  const v = l.validationSearch;
  if (v)
    lines.push(
      `  validation search (a diagnostic, not in the verdict): the kept models' validation sharpe ${num(v.keptSharpe)} against ${num(v.expectedMaxSharpe)} that luck gives the best of ${v.trials} candidates; deflated Sharpe ratio on validation ${num(v.dsr)}, at least 0.95 in ${v.reaching} of ${v.iterations} iterations`,
    );
  else if (l.dsr) lines.push(`  deflated Sharpe ratio over the candidates per iteration (as this summary's version judged): ${num(l.dsr.dsr)}`);
  lines.push(
    `  probability of backtest overfitting (a diagnostic of the validation search): ${num(l.pbo.pbo)} (${l.pbo.combinations} combinations over ${l.pbo.iterations} iterations)`,
    `  untrained networks' mean validation score ${num(l.untrained.meanScore)} against the kept models' ${num(l.untrained.keptMeanScore)}`,
  );
  return lines;
}
