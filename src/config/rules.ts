import { algorithmOf } from '../agent/registry.js';
import { builtinWarmup, featureSpecs, repeatedFeatureNames, sqlNamesLikeBuiltins } from '../data/feature-specs.js';
import type { PipelineConfig } from './schema.js';

/** A cross-field check: returns a message when the rule is broken, or null. */
type Rule = (c: PipelineConfig) => string | null;

export function featureWarmup(c: PipelineConfig): number {
  return builtinWarmup(featureSpecs(c.features), c.env.lookback);
}

const featureNamesUnique: Rule = (c) => {
  const repeated = repeatedFeatureNames(c.features);
  return repeated.length ? `features: ${repeated.join(', ')} listed more than once; each feature needs its own name` : null;
};

const sqlNamesNotBuiltin: Rule = (c) => {
  const clashing = sqlNamesLikeBuiltins(c.features);
  return clashing.length
    ? `features: ${clashing.join(', ')} named like a built-in feature or one of its columns (returns, logReturn_t-k, volatility_N, rsi_N, smaRatio_N); give the SQL feature another name`
    : null;
};

const selectionNeedsValidation: Rule = (c) =>
  c.windows.validation > 0 || c.selection.on === 'last'
    ? null
    : 'windows.validation is 0, so there is nothing to select on: set selection.on=last (keeps the final model)';

const trainLongerThanWarmup: Rule = (c) => {
  const warmup = featureWarmup(c);
  return c.windows.train > warmup + 1
    ? null
    : `windows.train (${c.windows.train}) must exceed the feature warm-up of ${warmup} rows (env.lookback and feature windows) plus one bar`;
};

const evaluationWithinRun: Rule = (c) =>
  c.training.evalFreq <= c.training.timesteps || c.windows.validation === 0
    ? null
    : `training.evalFreq (${c.training.evalFreq}) exceeds training.timesteps (${c.training.timesteps}): only the final model is evaluated`;

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

export const errorRules: Rule[] = [
  voteNeedsSeeds,
  voteWithoutWarmStart,
  selectionNeedsValidation,
  trainLongerThanWarmup,
  featureNamesUnique,
  sqlNamesNotBuiltin,
];

export const warningRules: Rule[] = [evaluationWithinRun, warmStartWithPlaceholders];

/** The run's cross-field rules, then those of the chosen algorithm's own settings. */
export function checkRules(config: PipelineConfig): { errors: string[]; warnings: string[] } {
  const run = (rules: Rule[]) => rules.map((rule) => rule(config)).filter((m): m is string => m !== null);
  const agent = algorithmOf(config.agent).rules(config);
  return { errors: [...run(errorRules), ...agent.errors], warnings: [...run(warningRules), ...agent.warnings] };
}
