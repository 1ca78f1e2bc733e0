import { z } from 'zod';
import type { Metrics } from '../analysis/metrics.js';
import type { EnvSettings } from '../env/trading-env.js';
import { validated } from '../store/json-file.js';
import { FORMAT_VERSION } from '../records/index.js';
import {
  FACTOR_RULE,
  FACTOR_SEED_RULE,
  generateSyntheticPanel,
  PARAM_RULE,
  SAME_PARAMS_RULE,
  SEED_RULE,
  syntheticKinds,
  syntheticPanelCsvChunks,
  type PanelOptions,
  type SyntheticPanel,
  type SyntheticParams,
} from '../data/synthetic/index.js';
import { ORACLE_RULE } from './oracle.js';
import { commitCsvAndSidecar, refuseOutputs, sidecarPath } from './csv-and-sidecar.js';
import { PANEL_BUY_AND_HOLD_RULE, PANEL_ORACLE_RULE, panelOracles, type PanelOracles } from './panel-oracle.js';
import { finiteOrNull, paramsSchema } from './synthetic-file.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** A figure of the metrics: null where undefined (an oracle that never trades has no Sharpe) or beyond a double. */
const figure = finite.nullable();

/** `<file>.csv.json` beside a generated panel: how each symbol was drawn and what its oracle and the panel of oracles earn. */
export const syntheticPanelSidecarSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  generator: z.object({
    kind: z.enum(syntheticKinds),
    symbols: z.number().int().min(1),
    bars: z.number().int().min(10),
    seed: z.number().int(),
    startPrice: finite,
    startDate: z.string(),
    endDate: z.string(),
    periodsPerYear: finite,
    seedRule: z.string(),
    paramRule: z.string(),
    sameParams: z.boolean(),
    /** The common factor added to every symbol's log return; sigma 0 for none. */
    factor: z.object({ sigma: finite, seed: z.number().int(), rule: z.string() }),
  }),
  csv: z.object({ file: z.string(), sha256: z.string(), columns: z.array(z.string()) }),
  oracle: z.object({
    rule: z.string(),
    band: finite,
    env: z.object({ allowShort: z.boolean(), costBps: finite, slippageBps: finite }),
    panel: z.object({ rule: z.string(), bars: z.number().int(), sharpe: figure, totalReturn: figure, annualVolatility: figure, maxDrawdown: figure }),
  }),
  /** The equal-weight buy-and-hold of the symbols on the oracle's bars and costs. */
  buyAndHold: z.object({ rule: z.string(), bars: z.number().int(), sharpe: figure, totalReturn: figure }),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      seed: z.number().int(),
      ohlcvSeed: z.number().int(),
      params: paramsSchema,
      oracle: z.object({ sharpe: figure, totalReturn: figure, turnover: figure }),
      buyAndHold: z.object({ sharpe: figure, totalReturn: figure }),
    }),
  ),
});
export type SyntheticPanelSidecar = z.infer<typeof syntheticPanelSidecarSchema>;

export interface SyntheticPanelOptions extends PanelOptions {
  params: SyntheticParams;
  env: EnvSettings;
  /** The oracle's no-trade band (fraction per bar); default the cost rate. */
  band?: number;
}

export interface SyntheticPanelFile {
  csvPath: string;
  sidecarPath: string;
  panel: SyntheticPanel;
  oracles: PanelOracles;
  sidecar: SyntheticPanelSidecar;
}

/**
 * Draws a panel of synthetic markets (data/synthetic/panel.ts), writes it as a long-format CSV the loader reads, then
 * `<csvPath>.json` with each symbol's seed, parameters and oracle figures, the common factor, the equal-weight panel
 * of the oracles and the equal-weight buy-and-hold.
 * Written as the one-series market is: nothing is left behind by a failure, and a path that is not a regular file is
 * refused before anything is drawn.
 */
export async function writeSyntheticPanel(csvPath: string, options: SyntheticPanelOptions): Promise<SyntheticPanelFile> {
  const { params, env, band, ...generate } = options;
  const path = sidecarPath(csvPath);
  await refuseOutputs(csvPath);
  const panel = generateSyntheticPanel(params, generate);
  const oracles = panelOracles(panel, env, { band });
  const first = panel.symbols[0].series;
  const returns = (m: Metrics) => ({ sharpe: finiteOrNull(m.sharpe), totalReturn: finiteOrNull(m.totalReturn) });
  const sidecar = await commitCsvAndSidecar(csvPath, syntheticPanelCsvChunks(panel), (csv) =>
    validated(path, syntheticPanelSidecarSchema, {
      formatVersion: FORMAT_VERSION,
      generator: {
        kind: params.kind,
        symbols: panel.symbols.length,
        bars: first.bars,
        seed: generate.seed,
        startPrice: first.startPrice,
        startDate: panel.dates[0],
        endDate: panel.dates[first.bars - 1],
        periodsPerYear: first.periodsPerYear,
        seedRule: panel.factor.returns ? FACTOR_SEED_RULE : SEED_RULE,
        paramRule: panel.sameParams ? SAME_PARAMS_RULE : PARAM_RULE,
        sameParams: panel.sameParams,
        factor: { sigma: panel.factor.sigma, seed: panel.factor.seed, rule: FACTOR_RULE },
      },
      csv,
      oracle: {
        rule: ORACLE_RULE,
        band: oracles.band,
        env: { allowShort: env.allowShort, costBps: env.costBps, slippageBps: env.slippageBps },
        panel: {
          rule: PANEL_ORACLE_RULE,
          bars: oracles.panel.bars,
          ...returns(oracles.panel),
          annualVolatility: finiteOrNull(oracles.panel.annualVolatility),
          maxDrawdown: finiteOrNull(oracles.panel.maxDrawdown),
        },
      },
      buyAndHold: { rule: PANEL_BUY_AND_HOLD_RULE, bars: oracles.panelBuyAndHold.bars, ...returns(oracles.panelBuyAndHold) },
      symbols: panel.symbols.map(({ symbol, seed, ohlcvSeed, series }, i) => ({
        symbol,
        seed,
        ohlcvSeed,
        params: series.params,
        oracle: { ...returns(oracles.symbols[i].oracle), turnover: finiteOrNull(oracles.symbols[i].oracle.turnover) },
        buyAndHold: returns(oracles.symbols[i].buyAndHold),
      })),
    }),
  );
  return { csvPath, sidecarPath: path, panel, oracles, sidecar };
}
