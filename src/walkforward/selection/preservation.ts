import type { PipelineConfig } from '../../config/schema.js';
import type { Candidate } from '../../records/index.js';

export interface Qualification {
  qualified: boolean;
  reason: string;
}

/**
 * The current best qualifies when its score is at least selection.minScore and, when asked, beats buy-and-hold's
 * score on the same bars. The reason says which criterion failed, with the numbers.
 */
export function qualify(best: Candidate | null, buyAndHoldScore: number | null, config: PipelineConfig): Qualification {
  const s = config.selection;
  if (!best) return { qualified: false, reason: 'no evaluation ran, so no model was kept' };
  if (best.score === null) {
    return { qualified: false, reason: `the best candidate's ${s.metric} is undefined (${best.metrics.nullReasons[s.metric] ?? 'not finite'})` };
  }
  if (best.score < s.minScore) {
    return { qualified: false, reason: `best ${s.metric} ${best.score.toFixed(4)} (step ${best.step}) is below selection.minScore ${s.minScore}` };
  }
  if (s.mustBeatBuyAndHold && !(buyAndHoldScore === null || best.score > buyAndHoldScore)) {
    return {
      qualified: false,
      reason: `best ${s.metric} ${best.score.toFixed(4)} (step ${best.step}) does not beat buy-and-hold's ${buyAndHoldScore.toFixed(4)}`,
    };
  }
  return { qualified: true, reason: `${s.metric} ${best.score.toFixed(4)} at step ${best.step} meets the criteria` };
}
