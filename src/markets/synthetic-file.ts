import { basename } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { EnvSettings } from '../env/trading-env.js';
import { writeJson } from '../store/json-file.js';
import { FORMAT_VERSION, metricsSchema } from '../records/schemas.js';
import { sha256 } from '../util/hash.js';
import { generateSynthetic, syntheticCsv, type GenerateOptions, type SyntheticParams, type SyntheticSeries } from '../data/synthetic/index.js';
import { ORACLE_RULE, oracleSharpe, type OracleResult } from './oracle.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const paramsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ar1'), phi: finite, sigma: finite, drift: finite }),
  z.object({ kind: z.literal('regime'), phi: finite, switchProb: finite, sigma: finite }),
  z.object({ kind: z.literal('ou'), theta: finite, sigma: finite, meanPrice: finite }),
]);

/** `<file>.csv.json`, written next to a generated market: how it was drawn and what its oracle earns. */
export const syntheticSidecarSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  generator: z.object({
    params: paramsSchema,
    bars: z.number().int().min(10),
    seed: z.number().int(),
    startPrice: finite,
    startDate: z.string(),
    endDate: z.string(),
    periodsPerYear: finite,
  }),
  csv: z.object({ file: z.string(), sha256: z.string(), columns: z.array(z.string()) }),
  oracle: z.object({
    rule: z.string(),
    band: finite,
    env: z.object({ allowShort: z.boolean(), costBps: finite, slippageBps: finite }),
    sharpe: finite.nullable(),
    totalReturn: finite.nullable(),
    metrics: metricsSchema,
  }),
  buyAndHold: metricsSchema,
});
export type SyntheticSidecar = z.infer<typeof syntheticSidecarSchema>;

export interface SyntheticMarketOptions extends GenerateOptions {
  params: SyntheticParams;
  env: EnvSettings;
  /** The oracle's no-trade band (fraction per bar); default the cost rate (see analysis/oracle.ts). */
  band?: number;
}

export interface SyntheticMarketFile {
  csvPath: string;
  sidecarPath: string;
  series: SyntheticSeries;
  oracle: OracleResult;
  sidecar: SyntheticSidecar;
}

/** The sidecar's path for a CSV path. */
export function sidecarPath(csvPath: string): string {
  return `${csvPath}.json`;
}

/**
 * Draws a synthetic market, writes it as a CSV the loader reads, then `<csvPath>.json` with the generator's
 * parameters, the seed and the oracle's figures after the given costs; both files are written atomically.
 */
export async function writeSyntheticMarket(csvPath: string, options: SyntheticMarketOptions): Promise<SyntheticMarketFile> {
  const { params, env, band, ...generate } = options;
  const series = generateSynthetic(params, generate);
  const text = syntheticCsv(series);
  const oracle = oracleSharpe(series, series.params, env, { band, periodsPerYear: series.periodsPerYear });
  await writeFileAtomic(csvPath, text);
  const path = sidecarPath(csvPath);
  const sidecar = await writeJson(path, syntheticSidecarSchema, {
    formatVersion: FORMAT_VERSION,
    generator: {
      params: series.params,
      bars: series.bars,
      seed: series.seed,
      startPrice: series.startPrice,
      startDate: series.dates[0],
      endDate: series.dates[series.bars - 1],
      periodsPerYear: series.periodsPerYear,
    },
    csv: { file: basename(csvPath), sha256: sha256(text), columns: text.slice(0, text.indexOf('\n')).split(',') },
    oracle: {
      rule: ORACLE_RULE,
      band: oracle.band,
      env: { allowShort: env.allowShort, costBps: env.costBps, slippageBps: env.slippageBps },
      sharpe: oracle.sharpe,
      totalReturn: oracle.totalReturn,
      metrics: oracle.metrics,
    },
    buyAndHold: oracle.buyAndHold,
  });
  return { csvPath, sidecarPath: path, series, oracle, sidecar };
}
