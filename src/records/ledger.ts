import { z } from 'zod';
import { finite } from './common.js';

const nullableFinite = finite.nullable();

/** A ledger's name (`--ledger`, ledger.name): a file name that cannot leave the ledgers folder. */
export const LEDGER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The first line of every ledger file: what makes it a ledger of this program (nothing else is appended to). */
export const ledgerHeaderSchema = z.strictObject({
  product: z.literal('wfo-rl'),
  kind: z.literal('trial-ledger'),
  formatVersion: z.literal(1),
  ledger: z.string().regex(LEDGER_NAME),
  createdAt: z.string(),
});
export type LedgerHeader = z.infer<typeof ledgerHeaderSchema>;

/**
 * One line per finished run or sweep point: what a trial was (its configuration and seed on which data and test
 * bars) and what it made out of sample. Runs that share the data and test segments are trials of one search.
 */
export const ledgerTrialSchema = z.object({
  kind: z.literal('trial'),
  experiment: z.string(),
  /** The sweep (study) the run was a point of; null for a run of its own. */
  study: z.string().nullable(),
  /** The config hash (the resume hash: the config without where results go) and the seed: one configuration tried. */
  configHash: z.string().length(64),
  seed: z.number().int(),
  dataSha256: z.string().length(64),
  dataPath: z.string(),
  /** Each iteration's test segment, [start, end) in rows of the data. */
  testSegments: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
  firstTestDate: z.string().nullable(),
  lastTestDate: z.string().nullable(),
  /** The stitched out-of-sample returns: bars, per-bar Sharpe and moments (kurtosis not excess). */
  bars: z.number().int().min(0),
  sharpe: nullableFinite,
  mean: nullableFinite,
  std: nullableFinite,
  skewness: nullableFinite,
  kurtosis: nullableFinite,
  periodsPerYear: finite,
  finishedAt: z.string(),
});
export type LedgerTrial = z.infer<typeof ledgerTrialSchema>;
