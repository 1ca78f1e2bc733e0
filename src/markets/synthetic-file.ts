import { z } from 'zod';
import type { Metrics } from '../analysis/metrics.js';
import type { EnvSettings } from '../env/trading-env.js';
import { validated } from '../store/json-file.js';
import { FORMAT_VERSION, metricsSchema } from '../records/index.js';
import { generateSynthetic, syntheticCsvChunks, type GenerateOptions, type SyntheticParams, type SyntheticSeries } from '../data/synthetic/index.js';
import { ORACLE_RULE, oracleSharpe, type OracleResult } from './oracle.js';
import { commitCsvAndSidecar, refuseOutputs, sidecarPath } from './csv-and-sidecar.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const paramsSchema = z.discriminatedUnion('kind', [
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

/**
 * Draws a synthetic market, writes it as a CSV the loader reads, then `<csvPath>.json` with the generator's
 * parameters, the seed and the oracle's figures after the given costs. The CSV is streamed to its temporary file in
 * chunks; both files are complete under their temporary names before either is renamed into place, and when the
 * sidecar cannot be committed the CSV just committed goes too: a failed synth leaves nothing. A path that is not a
 * regular file (a device, FIFO, socket, link or folder) is refused before anything is written.
 */
export async function writeSyntheticMarket(csvPath: string, options: SyntheticMarketOptions): Promise<SyntheticMarketFile> {
  const { params, env, band, ...generate } = options;
  const path = sidecarPath(csvPath);
  await refuseOutputs(csvPath);
  const series = generateSynthetic(params, generate);
  const oracle = oracleSharpe(series, series.params, env, { band, periodsPerYear: series.periodsPerYear });
  const sidecar = await commitCsvAndSidecar(csvPath, syntheticCsvChunks(series), (csv) =>
    validated(path, syntheticSidecarSchema, {
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
      csv,
      oracle: {
        rule: ORACLE_RULE,
        band: oracle.band,
        env: { allowShort: env.allowShort, costBps: env.costBps, slippageBps: env.slippageBps },
        sharpe: finiteOrNull(oracle.sharpe),
        totalReturn: finiteOrNull(oracle.totalReturn),
        metrics: finiteMetrics(oracle.metrics),
      },
      buyAndHold: finiteMetrics(oracle.buyAndHold),
    }),
  );
  return { csvPath, sidecarPath: path, series, oracle, sidecar };
}

export const finiteOrNull = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);

/**
 * Metrics with every figure that left the range of a double (the oracle's wealth compounded over a long series
 * overflows) as null, with the reason, as the metrics give undefined figures.
 */
export function finiteMetrics(m: Metrics): Metrics {
  const out = { ...m, nullReasons: { ...m.nullReasons } };
  for (const [key, value] of Object.entries(m)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      (out as unknown as Record<string, unknown>)[key] = null;
      out.nullReasons[key] = `overflows a double over ${m.bars} bars (compounded wealth beyond 1e308)`;
    }
  }
  return out;
}
