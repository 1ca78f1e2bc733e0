/**
 * Retention policies are pure: they map a list of preserved checkpoints to keep/drop decisions and touch no file.
 * Only retention/cleanup.ts acts on the decisions.
 */
export interface RetentionCandidate {
  iteration: number;
}

export interface Policy {
  readonly name: string;
  keep(candidates: readonly RetentionCandidate[]): boolean[];
}

/** The n highest iterations. */
export function keepLast(n: number): Policy {
  return {
    name: `keepLast(${n})`,
    keep: (cs) => {
      const newest = new Set(
        [...cs]
          .map((c) => c.iteration)
          .sort((a, b) => b - a)
          .slice(0, n),
      );
      return cs.map((c) => newest.has(c.iteration));
    },
  };
}

/** Iterations whose number is a multiple of n (N % n == 0). */
export function keepEvery(n: number): Policy {
  return { name: `keepEvery(${n})`, keep: (cs) => cs.map((c) => c.iteration % n === 0) };
}

/** The iteration of the overall best model, if any. */
export function keepBest(bestIteration: number | null): Policy {
  return { name: 'keepBest', keep: (cs) => cs.map((c) => c.iteration === bestIteration) };
}

/** Keeps what any of the policies keeps. */
export function anyOf(...policies: Policy[]): Policy {
  return {
    name: policies.map((p) => p.name).join(' or '),
    keep: (cs) => {
      const votes = policies.map((p) => p.keep(cs));
      return cs.map((_, i) => votes.some((v) => v[i]));
    },
  };
}

export interface Decision<C extends RetentionCandidate> {
  candidate: C;
  keep: boolean;
  /** Names of the policies that keep it (empty when it goes). */
  keptBy: string[];
}

/** Applies each policy and says, per candidate, whether it stays and which policies keep it. */
export function decide<C extends RetentionCandidate>(candidates: readonly C[], policies: Policy[]): Decision<C>[] {
  const votes = policies.map((p) => p.keep(candidates));
  return candidates.map((candidate, i) => {
    const keptBy = policies.filter((_, k) => votes[k][i]).map((p) => p.name);
    return { candidate, keep: keptBy.length > 0, keptBy };
  });
}
