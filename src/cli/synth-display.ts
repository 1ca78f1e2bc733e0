import type { EnvSettings } from '../env/trading-env.js';
import { positionsLabel, tradingPositions } from '../env/spaces.js';
import type { SyntheticSidecar } from '../markets/synthetic-file.js';
import type { SyntheticPanelSidecar } from '../markets/synthetic-panel-file.js';
import { num } from './format.js';

/** Where `wfo synth` wrote. */
export interface WrittenPaths {
  csvPath: string;
  sidecarPath: string;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

const shownParams = (params: object) =>
  Object.entries(params)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${Number((v as number).toPrecision(6))}`)
    .join(' ');

const oracleTerms = (env: EnvSettings, band: number) =>
  `after ${env.costBps + env.slippageBps} bps per unit traded (${positionsLabel(tradingPositions(env))}, no-trade band ${num(band * 1e4, 1)} bps)`;

/** What `wfo synth` prints for one series: the file, the oracle after costs, buy-and-hold, the sidecar. */
export function syntheticMarketText(sidecar: SyntheticSidecar, paths: WrittenPaths, env: EnvSettings): string {
  const { generator, oracle, buyAndHold } = sidecar;
  return (
    [
      `Wrote ${paths.csvPath}: ${generator.bars} rows ${generator.startDate}..${generator.endDate}, ${generator.params.kind} ${shownParams(generator.params)}, seed ${generator.seed}`,
      `Oracle ${oracleTerms(env, oracle.band)}: ` +
        `sharpe ${num(oracle.sharpe)}${oracle.sharpe === null ? ` (${oracle.metrics.nullReasons.sharpe}: the forecast never clears the band)` : ''}, ` +
        `total return ${pct(oracle.totalReturn)}${oracle.totalReturn === null ? ` (${oracle.metrics.nullReasons.totalReturn})` : ''} over ${oracle.metrics.bars} bars, turnover ${num(oracle.metrics.turnover, 2)} per bar`,
      `Buy-and-hold: sharpe ${num(buyAndHold.sharpe)}, total return ${pct(buyAndHold.totalReturn)}`,
      `Sidecar: ${paths.sidecarPath}`,
    ].join('\n') + '\n'
  );
}

/** What `wfo synth --symbols` prints: the file, each symbol's process and oracle, the equal-weight panel of the oracles. */
export function syntheticPanelText(sidecar: SyntheticPanelSidecar, paths: WrittenPaths, env: EnvSettings): string {
  const { generator, oracle, symbols, csv, buyAndHold } = sidecar;
  const factor =
    generator.factor.sigma > 0
      ? `, common factor sigma ${Number(generator.factor.sigma.toPrecision(6))} per bar (seed ${generator.factor.seed})`
      : '';
  const width = Math.max(...symbols.map((s) => s.symbol.length));
  const sharpe = (x: number | null) => (x === null ? 'n/a (never trades)' : num(x));
  return (
    [
      `Wrote ${paths.csvPath}: ${generator.symbols} symbols x ${generator.bars} rows ${generator.startDate}..${generator.endDate} (${csv.columns.join(',')}), ${generator.kind}${generator.sameParams ? ' (same parameters)' : ''}, seed ${generator.seed}${factor}`,
      `Oracle of each symbol ${oracleTerms(env, oracle.band)}:`,
      ...symbols.map(
        (s) =>
          `  ${s.symbol.padEnd(width)} ${shownParams(s.params)}, seed ${s.seed}: sharpe ${sharpe(s.oracle.sharpe)}, total return ${pct(s.oracle.totalReturn)}; buy-and-hold sharpe ${num(s.buyAndHold.sharpe)}`,
      ),
      `Equal-weight panel of the ${generator.symbols} oracles: sharpe ${sharpe(oracle.panel.sharpe)}, total return ${pct(oracle.panel.totalReturn)} over ${oracle.panel.bars} bars`,
      `Equal-weight buy-and-hold of the ${generator.symbols} symbols: sharpe ${num(buyAndHold.sharpe)}, total return ${pct(buyAndHold.totalReturn)}`,
      `Sidecar: ${paths.sidecarPath}`,
    ].join('\n') + '\n'
  );
}
