import type { PanelMarketView } from './panel-market.js';
import { panelSpaces, type CrossSection } from './panel-spaces.js';
import { portfolioWeights, type PortfolioWeighting } from './panel-weights.js';
import { observationSize, type EnvSpaces } from './spaces.js';
import type { EnvSettings } from './trading-env.js';

export interface PanelEnvSettings extends EnvSettings {
  weighting: PortfolioWeighting;
  /** Each instrument's observation holds the portfolio's net exposure (the weighted sum of its positions). */
  portfolioFeatures: boolean;
  /** Each instrument's observation holds the universe's mean of every feature at the date. */
  marketFeatures?: boolean;
  /** How each instrument's features are shown against the universe's at the date; none when absent. */
  crossSection?: CrossSection;
}

/**
 * One step of the panel, per instrument of the universe in its order. The arrays belong to the environment and are
 * overwritten by its next step: copy what must outlive it.
 */
export interface PanelStepResult {
  rewards: Float64Array;
  /** Each instrument's simple return after its costs, as TradingEnv's barReturn. */
  barReturns: Float64Array;
  /** Each instrument's own simple return over the bar (what holding it long earns before costs). */
  marketReturns: Float64Array;
  positions: Float64Array;
  /** sum_i weight_i * barReturn_i: the portfolio's simple return after costs over the bar. */
  portfolioReturn: number;
  /** The row whose returns this step earned. */
  row: number;
  done: boolean;
}

/**
 * TradingEnv for every instrument of a window's universe at once, each acting through the same policy: one pass over
 * a segment [start, end), next-bar execution and costs per instrument exactly as TradingEnv's (a panel of one with
 * equal weighting gives its numbers bit for bit). Observation of instrument i = its features at row t, its position,
 * and with portfolio features the portfolio's net exposure; `observeAll` lays the universe's observations end to end
 * so one batched forward pass acts for all of them.
 */
/** Below this spread across the universe (in standardized units) a feature's z-scores are its differences. */
const MIN_SPREAD = 1e-6;

export class PanelTradingEnv {
  readonly spaces: EnvSpaces;
  readonly positions: readonly number[];
  readonly obsDim: number;
  readonly firstDecisionRow: number;
  readonly lastDecisionRow: number;
  /** Panel indices of the instruments traded, and their symbols: index k of every per-instrument array is universe[k]. */
  readonly universe: readonly number[];
  readonly symbols: readonly string[];
  /** Each instrument's weight in the portfolio, fixed for the window; they sum to 1. */
  readonly weights: Float64Array;
  private row = 0;
  private exposure = 0;
  private readonly held: Float64Array;
  private readonly costRate: number;
  private readonly withExposure: boolean;
  private readonly withMarket: boolean;
  private readonly crossSection: CrossSection;
  /** The universe's mean of each feature at the current row (with market features or a cross-section). */
  private readonly marketMeans: Float64Array;
  /** The universe's standard deviation of each feature at the current row (zscore). */
  private readonly marketSpreads: Float64Array;
  private readonly result: PanelStepResult;

  constructor(
    private readonly market: PanelMarketView,
    start: number,
    end: number,
    settings: PanelEnvSettings,
  ) {
    this.spaces = panelSpaces(market.featureNames, settings);
    this.positions = this.spaces.action.positions;
    this.obsDim = observationSize(this.spaces);
    this.withExposure = settings.portfolioFeatures;
    this.withMarket = settings.marketFeatures ?? false;
    this.crossSection = settings.crossSection ?? 'none';
    this.marketMeans = new Float64Array(market.featureDim);
    this.marketSpreads = new Float64Array(market.featureDim);
    this.costRate = (settings.costBps + settings.slippageBps) / 1e4;
    this.universe = market.universe;
    this.symbols = market.universe.map((i) => market.symbols[i]);
    this.weights = portfolioWeights(market, settings.weighting);
    this.firstDecisionRow = Math.max(start - 1, market.firstValidRow);
    this.lastDecisionRow = end - 2;
    if (this.lastDecisionRow < this.firstDecisionRow) {
      throw new RangeError(`segment [${start}, ${end}) has no tradable bar after the feature warm-up (row ${market.firstValidRow})`);
    }
    const n = this.universe.length;
    this.held = new Float64Array(n);
    this.result = {
      rewards: new Float64Array(n),
      barReturns: new Float64Array(n),
      marketReturns: new Float64Array(n),
      positions: new Float64Array(n),
      portfolioReturn: 0,
      row: 0,
      done: false,
    };
  }

  /** Instruments traded: observations per observeAll, actions per step. */
  get size(): number {
    return this.universe.length;
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

  /** A copy of the positions held, in the universe's order. */
  get currentPositions(): Float64Array {
    return this.held.slice();
  }

  /** The portfolio's net exposure: the weighted sum of the positions held (their mean under equal weights). */
  get currentExposure(): number {
    return this.exposure;
  }

  reset(out?: Float32Array): Float32Array {
    return this.resetAt(this.firstDecisionRow, new Float64Array(this.size), out);
  }

  /** Puts the environment at a given decision row and positions (used by resume). */
  resetAt(row: number, positions: ArrayLike<number>, out?: Float32Array): Float32Array {
    if (positions.length !== this.size) throw new RangeError(`${positions.length} positions for ${this.size} instruments`);
    this.row = row;
    for (let k = 0; k < this.size; k++) this.held[k] = positions[k];
    this.exposure = this.netExposure();
    return this.observeAll(out);
  }

  /**
   * Writes the observations of every instrument for the current row into `out`, end to end in the universe's order:
   * its features (against the universe's, per the cross-section), the market's means (with market features), the
   * exposure (with portfolio features), its position.
   */
  observeAll(out: Float32Array = new Float32Array(this.size * this.obsDim)): Float32Array {
    const { features, featureDim: dim, instruments } = this.market;
    const rowBase = this.row * instruments;
    if (this.withMarket || this.crossSection !== 'none') this.meanFeatures(rowBase);
    if (this.crossSection === 'zscore') this.spreadFeatures(rowBase);
    for (let k = 0; k < this.size; k++) {
      const from = (rowBase + this.universe[k]) * dim;
      let to = k * this.obsDim;
      if (this.crossSection === 'none') for (let c = 0; c < dim; c++) out[to + c] = features[from + c];
      else if (this.crossSection === 'demean') for (let c = 0; c < dim; c++) out[to + c] = features[from + c] - this.marketMeans[c];
      else for (let c = 0; c < dim; c++) out[to + c] = (features[from + c] - this.marketMeans[c]) / this.marketSpreads[c];
      to += dim;
      if (this.withMarket) {
        for (let c = 0; c < dim; c++) out[to + c] = this.marketMeans[c];
        to += dim;
      }
      if (this.withExposure) out[to++] = this.exposure;
      out[to] = this.held[k];
    }
    return out;
  }

  private meanFeatures(rowBase: number): void {
    const { features, featureDim: dim } = this.market;
    this.marketMeans.fill(0);
    for (let k = 0; k < this.size; k++) {
      const from = (rowBase + this.universe[k]) * dim;
      for (let c = 0; c < dim; c++) this.marketMeans[c] += features[from + c];
    }
    for (let c = 0; c < dim; c++) this.marketMeans[c] /= this.size;
  }

  /**
   * The population standard deviation of each feature over the universe at the row (meanFeatures first). A feature on
   * which the instruments agree to within MIN_SPREAD (standardized units) has no spread worth dividing by: it is taken
   * as 1, so its differences show as they are, near 0, instead of being blown up to unit size.
   */
  private spreadFeatures(rowBase: number): void {
    const { features, featureDim: dim } = this.market;
    this.marketSpreads.fill(0);
    for (let k = 0; k < this.size; k++) {
      const from = (rowBase + this.universe[k]) * dim;
      for (let c = 0; c < dim; c++) this.marketSpreads[c] += (features[from + c] - this.marketMeans[c]) ** 2;
    }
    for (let c = 0; c < dim; c++) {
      const spread = Math.sqrt(this.marketSpreads[c] / this.size);
      this.marketSpreads[c] = spread > MIN_SPREAD ? spread : 1;
    }
  }

  /** Sets every instrument's position for the next bar (actions in the universe's order) and earns that bar. */
  step(actions: ArrayLike<number>): PanelStepResult {
    const n = this.size;
    if (actions.length !== n) throw new RangeError(`${actions.length} actions for ${n} instruments`);
    for (let k = 0; k < n; k++) {
      if (this.positions[actions[k]] === undefined)
        throw new RangeError(`action ${actions[k]} of ${this.symbols[k]} is outside 0..${this.positions.length - 1}`);
    }
    const { logReturns, simpleReturns, instruments } = this.market;
    const { rewards, barReturns, marketReturns, positions } = this.result;
    const bar = this.row + 1;
    const barBase = bar * instruments;
    // -0 is the identity of addition (0 is not: 0 + -0 = 0), so a panel of one gives TradingEnv's -0 returns too.
    let portfolio = -0;
    for (let k = 0; k < n; k++) {
      const next = this.positions[actions[k]];
      const cost = this.costRate * Math.abs(next - this.held[k]);
      const at = barBase + this.universe[k];
      rewards[k] = next * logReturns[at] - cost;
      barReturns[k] = next * simpleReturns[at] - cost;
      marketReturns[k] = simpleReturns[at];
      portfolio += this.weights[k] * barReturns[k];
      positions[k] = next;
      this.held[k] = next;
    }
    this.exposure = this.netExposure();
    this.row = bar;
    this.result.portfolioReturn = portfolio;
    this.result.row = bar;
    this.result.done = bar > this.lastDecisionRow;
    return this.result;
  }

  private netExposure(): number {
    let sum = 0;
    for (let k = 0; k < this.size; k++) sum += this.weights[k] * this.held[k];
    return sum;
  }
}
