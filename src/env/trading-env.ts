import type { EnvConfig } from './config.js';
import { observationSize, tradingSpaces, type EnvSpaces } from './spaces.js';

/** Market data an environment trades on: standardized features and the per-row returns they predict. */
export interface MarketView {
  /** rows x featureDim standardized features, row-major. */
  features: Float32Array;
  featureDim: number;
  /** The name of each feature column (featureDim of them). */
  featureNames: readonly string[];
  firstValidRow: number;
  logReturns: Float64Array;
  simpleReturns: Float64Array;
}

export interface StepResult {
  reward: number;
  /** The bar's simple return of the strategy after costs (what metrics are computed from). */
  barReturn: number;
  position: number;
  /** The row whose return this step earned. */
  row: number;
  done: boolean;
}

export type EnvSettings = Pick<EnvConfig, 'allowShort' | 'costBps' | 'slippageBps'>;

/**
 * One pass over a segment [start, end) of bars. The decision taken with information up to the close of row t
 * sets the position held from t to t+1 (next-bar execution), so an episode decides at rows start-1 .. end-2 and
 * earns the returns of bars start .. end-1: consecutive test segments tile the series without a missing bar.
 * Reward = position * logReturn(t -> t+1) - (costBps + slippageBps) / 1e4 * |position change|.
 * Observation = the features of row t followed by the current position.
 */
export class TradingEnv {
  readonly spaces: EnvSpaces;
  readonly positions: readonly number[];
  readonly obsDim: number;
  readonly firstDecisionRow: number;
  readonly lastDecisionRow: number;
  private row = 0;
  private position = 0;
  private readonly costRate: number;

  constructor(
    private readonly market: MarketView,
    start: number,
    end: number,
    settings: EnvSettings,
  ) {
    this.spaces = tradingSpaces(market.featureNames, settings);
    this.positions = this.spaces.action.positions;
    this.obsDim = observationSize(this.spaces);
    this.costRate = (settings.costBps + settings.slippageBps) / 1e4;
    this.firstDecisionRow = Math.max(start - 1, market.firstValidRow);
    this.lastDecisionRow = end - 2;
    if (this.lastDecisionRow < this.firstDecisionRow) {
      throw new RangeError(`segment [${start}, ${end}) has no tradable bar after the feature warm-up (row ${market.firstValidRow})`);
    }
  }

  get nActions(): number {
    return this.positions.length;
  }

  /** Bars one episode trades. */
  get length(): number {
    return this.lastDecisionRow - this.firstDecisionRow + 1;
  }

  get currentRow(): number {
    return this.row;
  }

  get currentPosition(): number {
    return this.position;
  }

  reset(out: Float32Array = new Float32Array(this.obsDim)): Float32Array {
    return this.resetAt(this.firstDecisionRow, 0, out);
  }

  /** Puts the environment at a given decision row and position (used by resume). */
  resetAt(row: number, position: number, out: Float32Array = new Float32Array(this.obsDim)): Float32Array {
    this.row = row;
    this.position = position;
    return this.observe(out);
  }

  /** Writes the observation for the current row into `out`. */
  observe(out: Float32Array = new Float32Array(this.obsDim)): Float32Array {
    const dim = this.market.featureDim;
    out.set(this.market.features.subarray(this.row * dim, (this.row + 1) * dim));
    out[dim] = this.position;
    return out;
  }

  step(action: number): StepResult {
    const next = this.positions[action];
    if (next === undefined) throw new RangeError(`action ${action} is outside 0..${this.positions.length - 1}`);
    const cost = this.costRate * Math.abs(next - this.position);
    const bar = this.row + 1;
    const reward = next * this.market.logReturns[bar] - cost;
    const barReturn = next * this.market.simpleReturns[bar] - cost;
    this.position = next;
    this.row = bar;
    return { reward, barReturn, position: next, row: bar, done: bar > this.lastDecisionRow };
  }
}
