/**
 * Settings added after experiments were first written, each with the value at which the program computes what the
 * versions before it computed. An experiment's config.json from before one of them lacks it: at that value it is no
 * change, and it stays out of the resume hash, so such an experiment resumes (and a queue job of it checks out).
 * A setting added with a default that changes results does not belong here: its experiments must be refused.
 */
export const LATER_SETTINGS: ReadonlyArray<readonly [path: string, earlierBehaviour: unknown]> = [
  // Issue 23: the Agent interface. DQN was the only algorithm, and the ridge penalty is the linear agent's.
  ['agent.algorithm', 'dqn'],
  ['agent.ridge', 1],
  // Issue 24: panels of instruments. Every earlier input was one series, traded alone.
  ['data.symbolColumn', 'symbol'],
  ['data.symbols', 'all'],
  ['data.symbol', null],
  ['data.align', 'intersect'],
  // Issue 25: one agent over a panel.
  ['env.portfolioFeatures', false],
  ['env.marketFeatures', false],
  ['portfolio.weighting', 'equal'],
  // Panel features against the universe's: a one-instrument run has no cross-section, so demean computes what it did.
  ['env.crossSection', 'demean'],
  // A panel's gradient steps per phase grow with its instruments; one instrument's stay agent.gradientSteps.
  ['agent.panelGradientSteps', 'sqrt'],
];

/**
 * Later settings whose earlier behaviour differs for a panel run: panels traded before them saw each instrument's
 * features as they are and took agent.gradientSteps per phase whatever their instruments. A resume of such an
 * experiment compares against these values, so it is told what changed instead of silently continuing otherwise.
 */
const EARLIER_PANEL_BEHAVIOUR: ReadonlyMap<string, unknown> = new Map([
  ['env.crossSection', 'none'],
  ['agent.panelGradientSteps', 'same'],
]);

/** The value at which the program computes what a run before `path` existed computed, for a panel run or not. */
export function earlierBehaviour(path: string, value: unknown, panel: boolean): unknown {
  return panel && EARLIER_PANEL_BEHAVIOUR.has(path) ? EARLIER_PANEL_BEHAVIOUR.get(path) : value;
}

/**
 * A copy of a config without the later settings that are at their earlier behaviour (for a panel run, or not), for
 * hashing: a panel run at the new defaults of a setting whose earlier panel behaviour differs keeps it, so its hash
 * differs from that of an experiment begun before the setting existed.
 */
export function withoutLaterDefaults<T extends object>(config: T, panel: boolean): T {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const [path, value] of LATER_SETTINGS) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    const parents: Array<Record<string, unknown> | undefined> = [copy];
    for (const key of keys) parents.push(parents.at(-1)?.[key] as Record<string, unknown> | undefined);
    const parent = parents.at(-1);
    if (!parent || JSON.stringify(parent[last]) !== JSON.stringify(earlierBehaviour(path, value, panel))) continue;
    delete parent[last];
    // A section added with its settings (portfolio) leaves with the last of them, as configs before it had none.
    if (keys.length && Object.keys(parent).length === 0) delete parents.at(-2)?.[keys.at(-1) as string];
  }
  return copy as T;
}
