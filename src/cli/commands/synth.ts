import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors/index.js';
import {
  MAX_SYMBOLS,
  syntheticKinds,
  syntheticPanelProblems,
  syntheticProblems,
  type SyntheticKind,
  type SyntheticParams,
} from '../../data/synthetic/index.js';
import { syntheticMarketText, syntheticPanelText } from '../synth-display.js';
import { outProblems } from '../synth-out.js';
import { parseWholeNumber } from '../../util/whole-number.js';
import type { EnvSettings } from '../../env/trading-env.js';

type Args = {
  kind: SyntheticKind;
  bars: number;
  seed: number;
  phi?: number;
  sigma?: number;
  drift?: number;
  switchProb?: number;
  theta?: number;
  meanPrice?: number;
  startPrice: number;
  startDate: string;
  costBps: number;
  slippageBps: number;
  bandBps?: number;
  longOnly: boolean;
  out: string;
  json: boolean;
  /** Declared as a string so that `--symbols abc` reaches parseWholeNumber as written (yargs makes NaN of it). */
  symbols?: string;
  factorSigma?: number;
  sameParams?: boolean;
};

/** Which kinds each process flag applies to; a flag given for another kind is a usage error, not silently ignored. */
const flagKinds: Record<string, readonly SyntheticKind[]> = {
  phi: ['ar1', 'regime'],
  drift: ['ar1'],
  switchProb: ['regime'],
  theta: ['ou'],
  meanPrice: ['ou'],
};

const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export const synthCommand: CommandModule<object, Args> = {
  command: 'synth',
  describe:
    'Write a synthetic price CSV whose best policy is known (AR(1), regime switch, Ornstein-Uhlenbeck) and print what that oracle earns after costs',
  builder: (y) =>
    y
      .option('kind', {
        type: 'string',
        choices: syntheticKinds,
        demandOption: true,
        describe: 'Process: ar1, regime (trend/reversal switch) or ou (mean-reverting log price)',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'CSV to write (date,close[,regime]; with --symbols a long-format panel); the sidecar goes to <out>.json',
      })
      .option('symbols', {
        type: 'string',
        describe: `A panel of this many symbols (1 to ${MAX_SYMBOLS}), each its own process: long format date,symbol,open,high,low,close,volume[,regime]`,
      })
      .option('factor-sigma', {
        type: 'number',
        describe:
          "With --symbols, ar1/regime: sd per bar of a common market factor (normal, mean 0, no signal) added to every symbol's log return (default 0: none)",
      })
      .option('same-params', {
        type: 'boolean',
        describe:
          'With --symbols: every symbol gets the parameters as given (default: the signal parameter scaled by 1, 0.875, 0.75, 0.625, 0.5 in turn)',
      })
      .option('bars', { type: 'number', default: 4000, describe: 'Rows (at least 10)' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed; the same seed and parameters give the same bytes' })
      .option('phi', {
        type: 'number',
        describe: 'ar1: lag-1 coefficient of log returns, |phi| < 1 (default 0.2); regime: trend +phi, reversal -phi, 0 <= phi < 1 (default 0.3)',
      })
      .option('sigma', {
        type: 'number',
        describe: 'ar1/regime: innovation sd per bar (default: 16% annualised volatility); ou: annualised diffusion (default 0.16)',
      })
      .option('drift', { type: 'number', describe: 'ar1: mean log return per bar (default 0)' })
      .option('switch-prob', { type: 'number', describe: 'regime: probability per bar that the state flips (default 0.01)' })
      .option('theta', { type: 'number', describe: 'ou: mean-reversion speed per year (default 10)' })
      .option('mean-price', { type: 'number', describe: 'ou: price the log price reverts to (default: --start-price)' })
      .option('start-price', { type: 'number', default: 100, describe: 'Price of the first row' })
      .option('start-date', { type: 'string', default: '2000-01-03', describe: 'First date (yyyy-mm-dd); rows are Monday-to-Friday days from it' })
      .option('cost-bps', { type: 'number', default: 10, describe: 'Oracle: commission per unit of position change, basis points' })
      .option('slippage-bps', { type: 'number', default: 0, describe: 'Oracle: slippage per unit of position change, basis points' })
      .option('band-bps', { type: 'number', describe: 'Oracle: trade only when |expected next-bar log return| exceeds this (default: the cost)' })
      .option('long-only', { type: 'boolean', default: false, describe: 'Oracle: positions flat/long instead of short/flat/long' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the sidecar record as JSON' }) as never,
  handler: async (args) => {
    const params = paramsFromArgs(args);
    const generate = { bars: args.bars, seed: args.seed, startPrice: args.startPrice, startDate: args.startDate };
    const panelOnly = panelFlagProblems(args);
    if (panelOnly.length) throw new UsageError(panelOnly.join('; '));
    const symbols =
      args.symbols === undefined ? undefined : parseWholeNumber('--symbols', args.symbols, { min: 1, max: MAX_SYMBOLS, unit: 'symbols' });
    const panel = { factorSigma: args.factorSigma, sameParams: args.sameParams };
    const processProblems =
      symbols === undefined ? syntheticProblems(params, generate, flag) : syntheticPanelProblems(params, { ...generate, ...panel, symbols }, flag);
    const problems = [...processProblems, ...oracleProblems(args), ...outProblems(args.out)];
    if (problems.length) throw new UsageError(problems.join('; '));
    const env = { allowShort: !args.longOnly, costBps: args.costBps, slippageBps: args.slippageBps };
    const band = args.bandBps === undefined ? undefined : args.bandBps / 1e4;
    if (symbols !== undefined) return synthPanel(args, { params, env, band, symbols, ...panel, ...generate });
    const { writeSyntheticMarket } = await import('../../markets/synthetic-file.js');
    const written = await writeSyntheticMarket(args.out, { params, env, band, ...generate });
    if (args.json) {
      process.stdout.write(JSON.stringify(written.sidecar, null, 2) + '\n');
      return;
    }
    process.stdout.write(syntheticMarketText(written.sidecar, { csvPath: written.csvPath, sidecarPath: written.sidecarPath }, env));
  },
};

type PanelRequest = {
  params: SyntheticParams;
  env: EnvSettings;
  band?: number;
  symbols: number;
  factorSigma?: number;
  sameParams?: boolean;
  bars: number;
  seed: number;
  startPrice: number;
  startDate: string;
};

/** --symbols: writes the panel and prints each symbol's oracle and the equal-weight panel of them. */
async function synthPanel(args: Args, request: PanelRequest): Promise<void> {
  const { writeSyntheticPanel } = await import('../../markets/synthetic-panel-file.js');
  const written = await writeSyntheticPanel(args.out, request);
  if (args.json) process.stdout.write(JSON.stringify(written.sidecar, null, 2) + '\n');
  else process.stdout.write(syntheticPanelText(written.sidecar, { csvPath: written.csvPath, sidecarPath: written.sidecarPath }, request.env));
}

function paramsFromArgs(args: Args): SyntheticParams {
  if (!syntheticKinds.includes(args.kind)) throw new UsageError(`--kind: got ${args.kind}; expected one of ${syntheticKinds.join(', ')}`);
  for (const [key, kinds] of Object.entries(flagKinds)) {
    if (args[key as keyof Args] !== undefined && !kinds.includes(args.kind)) {
      throw new UsageError(`${flag(key)} applies to --kind ${kinds.join(' or ')}, not --kind ${args.kind}`);
    }
  }
  if (args.kind === 'ar1') return { kind: 'ar1', phi: args.phi, sigma: args.sigma, drift: args.drift };
  if (args.kind === 'regime') return { kind: 'regime', phi: args.phi, switchProb: args.switchProb, sigma: args.sigma };
  return { kind: 'ou', theta: args.theta, sigma: args.sigma, meanPrice: args.meanPrice };
}

/** --factor-sigma and --same-params shape a panel: without --symbols they would be ignored, so they are refused. */
function panelFlagProblems(args: Args): string[] {
  if (args.symbols !== undefined) return [];
  const problems: string[] = [];
  if (args.factorSigma !== undefined) problems.push('--factor-sigma needs --symbols N: the common factor is added to every symbol of a panel');
  if (args.sameParams !== undefined) problems.push('--same-params needs --symbols N: it gives every symbol of a panel the parameters as given');
  return problems;
}

function oracleProblems(args: Args): string[] {
  const out: string[] = [];
  for (const key of ['costBps', 'slippageBps'] as const) {
    const v = args[key];
    if (!(Number.isFinite(v) && v >= 0 && v <= 1000)) out.push(`${flag(key)}: got ${v}; expected a number from 0 to 1000`);
  }
  if (args.bandBps !== undefined && !(Number.isFinite(args.bandBps) && args.bandBps >= 0))
    out.push(`--band-bps: got ${args.bandBps}; expected a number >= 0`);
  return out;
}
