import type { PipelineConfig } from './schema.js';

/** A cross-field check: returns a message when the rule is broken, or null. */
type Rule = (c: PipelineConfig) => string | null;

export function featureWarmup(c: PipelineConfig): number {
  const extra = c.features.extra;
  return Math.max(
    c.env.lookback,
    extra.includes('volatility') ? c.features.volatilityWindow : 0,
    extra.includes('rsi') ? c.features.rsiWindow : 0,
    extra.includes('smaRatio') ? c.features.smaWindow - 1 : 0,
  );
}

const learningStartsBeforeEnd: Rule = (c) =>
  c.agent.learningStarts < c.training.timesteps
    ? null
    : `agent.learningStarts (${c.agent.learningStarts}) must be less than training.timesteps (${c.training.timesteps}), or no gradient step is ever taken`;

const batchFitsBuffer: Rule = (c) =>
  c.agent.batchSize <= c.agent.bufferSize ? null : `agent.batchSize (${c.agent.batchSize}) must be at most agent.bufferSize (${c.agent.bufferSize})`;

const selectionNeedsValidation: Rule = (c) =>
  c.windows.validation > 0 || c.selection.on === 'last'
    ? null
    : 'windows.validation is 0, so there is nothing to select on: set selection.on=last (keeps the final model)';

const explorationOrdered: Rule = (c) =>
  c.agent.explorationFinal <= c.agent.explorationInitial
    ? null
    : `agent.explorationFinal (${c.agent.explorationFinal}) must not exceed agent.explorationInitial (${c.agent.explorationInitial})`;

const betaOrdered: Rule = (c) =>
  c.agent.replay.betaStart <= c.agent.replay.betaEnd
    ? null
    : `agent.replay.betaStart (${c.agent.replay.betaStart}) must not exceed agent.replay.betaEnd (${c.agent.replay.betaEnd})`;

const trainLongerThanWarmup: Rule = (c) => {
  const warmup = featureWarmup(c);
  return c.windows.train > warmup + 1
    ? null
    : `windows.train (${c.windows.train}) must exceed the feature warm-up of ${warmup} rows (env.lookback and feature windows) plus one bar`;
};

const targetUpdateWithinRun: Rule = (c) =>
  c.agent.targetUpdateInterval <= c.training.timesteps
    ? null
    : `agent.targetUpdateInterval (${c.agent.targetUpdateInterval}) exceeds training.timesteps (${c.training.timesteps}): the target network is never refreshed`;

const evaluationWithinRun: Rule = (c) =>
  c.training.evalFreq <= c.training.timesteps || c.windows.validation === 0
    ? null
    : `training.evalFreq (${c.training.evalFreq}) exceeds training.timesteps (${c.training.timesteps}): only the final model is evaluated`;

const bufferHoldsLittle: Rule = (c) =>
  c.agent.bufferSize >= c.agent.batchSize * 10
    ? null
    : `agent.bufferSize (${c.agent.bufferSize}) is under ten batches: replayed samples will be highly correlated`;

const warmStartWithPlaceholders: Rule = (c) =>
  !c.training.warmStart || c.selection.minScore <= 0 || c.selection.on === 'last'
    ? null
    : 'training.warmStart with selection.minScore > 0: an iteration without a qualifying model warm-starts the next from the last preserved one';

const voteNeedsSeeds: Rule = (c) =>
  c.selection.ensemble === 'none' || c.training.seeds >= 2
    ? null
    : `selection.ensemble=vote needs training.seeds >= 2 (got ${c.training.seeds}): a vote of one agent is that agent`;

const voteWithoutWarmStart: Rule = (c) =>
  c.selection.ensemble === 'none' || !c.training.warmStart
    ? null
    : 'selection.ensemble=vote with training.warmStart: a vote of several networks is not one network to start the next iteration from; turn one of them off';

const decayBelowOne: Rule = (c) =>
  c.agent.learningRate * c.agent.weightDecay < 1
    ? null
    : `agent.learningRate * agent.weightDecay (${c.agent.learningRate} * ${c.agent.weightDecay}) must be below 1: each step multiplies the weights by 1 minus it`;

export const errorRules: Rule[] = [
  voteNeedsSeeds,
  decayBelowOne,
  voteWithoutWarmStart,
  learningStartsBeforeEnd,
  batchFitsBuffer,
  selectionNeedsValidation,
  explorationOrdered,
  betaOrdered,
  trainLongerThanWarmup,
];

export const warningRules: Rule[] = [targetUpdateWithinRun, evaluationWithinRun, bufferHoldsLittle, warmStartWithPlaceholders];

export function checkRules(config: PipelineConfig): { errors: string[]; warnings: string[] } {
  const run = (rules: Rule[]) => rules.map((rule) => rule(config)).filter((m): m is string => m !== null);
  return { errors: run(errorRules), warnings: run(warningRules) };
}
