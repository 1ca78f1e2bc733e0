import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyExperiment } from '../../src/inspect/verify.js';
import { Rng } from '../../src/random/rng.js';
import { collect, repoRoot, runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { ar1Prices, toPanelCsv } from '../helpers/synthetic.js';
import { tempDir } from '../helpers/temp.js';

interface Kill {
  attempt: number;
  target: string;
  delayMs: number;
  /** The last phase marker the process printed before it was killed. */
  landedIn: string;
}

/**
 * Kills aimed at each phase, in an order the run can honour: kills inside training first (shuffled), then at
 * preservation (each waits for an iteration's end), then at summary writing (which exists only once all
 * iterations are done).
 */
function killPlan(rng: Rng, scale: number): string[] {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const training = [...Array(n(8)).fill('training'), ...Array(n(5)).fill('checkpoint-write'), ...Array(n(3)).fill('evaluation')];
  for (let i = training.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [training[i], training[j]] = [training[j], training[i]];
  }
  return [...training, ...Array(n(4)).fill('preservation'), ...Array(n(4)).fill('summary')];
}

/**
 * Every algorithm goes through the harness (the SIGKILL-resume case of the agent conformance suite): DQN with the
 * full plan of 24 kills, the linear agent, whose training takes milliseconds, with a third of them; and DQN over a
 * panel of three instruments with a third of them.
 */
const plans = [
  { name: 'dqn', algorithm: 'dqn', panel: false, scale: 1, minKills: 20, phases: ['training', 'checkpoint-write', 'preservation', 'summary'] },
  { name: 'linear', algorithm: 'linear', panel: false, scale: 1 / 3, minKills: 8, phases: ['preservation', 'summary'] },
  { name: 'dqn-panel', algorithm: 'dqn', panel: true, scale: 1 / 3, minKills: 8, phases: ['preservation', 'summary'] },
] as const;

/** Three instruments in long format over the same 800 weekdays. */
function panelCsv(path: string): void {
  const series = [ar1Prices(800, 0.4, 0.01, 21), ar1Prices(800, -0.3, 0.012, 22), ar1Prices(800, 0.2, 0.008, 23)];
  writeFileSync(path, toPanelCsv(series.map((prices, k) => ({ symbol: 'ABC'[k], prices }))));
}

describe.each(plans.map((p) => [p.name, p] as const))('crash harness (%s): SIGKILL at seeded random moments, restart until done', (name, plan) => {
  const { algorithm } = plan;
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test(`after ${plan.minKills}+ kills every zip verifies, the index matches the disk, no temporary file remains, and results equal an uninterrupted run`, async () => {
    const exp = smallExperiment(tmp.dir, {
      agent: {
        algorithm,
        learningStarts: 200,
        targetUpdateInterval: 300,
        bufferSize: 5000,
        batchSize: 32,
        layers: [24, 24],
        explorationFraction: 0.3,
      },
      windows: { train: 300, validation: 100, test: 100, maxIterations: 4 },
      training: { timesteps: 3000, evalFreq: 500 },
      saving: { nModelSaves: 20 },
      ...(plan.panel ? { data: { path: join(tmp.dir, 'panel.csv') } } : {}),
    });
    if (plan.panel) panelCsv(exp.config.data.path);
    const args = (id: string) => ['walkforward', '--experiment', id, '--config', exp.configFile, '--quiet', '--workers', '1', '--no-charts'];
    const reference = await runCli(args('uninterrupted'));
    expect(reference.code).toBe(0);

    const rng = Rng.fromSeed(20261122);
    const kills: Kill[] = [];
    let attempt = 0;
    for (const target of killPlan(rng, plan.scale)) {
      attempt++;
      const child = startCli(args('crashed'), { env: { WFO_TRACE: '1' }, compiled: true });
      let lastPhase = 'startup';
      child.stderr?.on('data', (d: Buffer) => {
        const phases = [...d.toString().matchAll(/trace phase=(\S+)/g)];
        if (phases.length) lastPhase = phases[phases.length - 1][1];
      });
      const closed = collect(child);
      const reached = await waitForOutput(child, new RegExp(`trace phase=${target}\\b`)).then(
        () => true,
        () => false,
      );
      if (!reached) {
        const r = await closed;
        throw new Error(`attempt ${attempt}: the run ended (code ${r.code}) before reaching ${target}; kills so far: ${JSON.stringify(kills)}`);
      }
      // Short enough that most kills aimed at training land before the next checkpoint write begins.
      const delayMs = target === 'training' ? rng.int(40) : rng.int(15);
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      const r = await closed;
      expect(r.signal).toBe('SIGKILL');
      kills.push({ attempt, target, delayMs, landedIn: lastPhase });
    }
    const final = await runCli(args('crashed'));
    expect(final.code).toBe(0);

    const landed: Record<string, number> = {};
    for (const k of kills) landed[k.landedIn] = (landed[k.landedIn] ?? 0) + 1;
    mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
    writeFileSync(
      join(repoRoot, 'test-output', `crash-harness-${name}.json`),
      JSON.stringify({ kills: kills.length, landed, detail: kills }, null, 1),
    );
    console.log(`crash harness (${name}): ${kills.length} SIGKILLs; last phase before each kill: ${JSON.stringify(landed)}`);

    expect(kills.length).toBeGreaterThanOrEqual(plan.minKills);
    for (const phase of plan.phases) expect(landed[phase] ?? 0).toBeGreaterThan(0);
    // Some kill landed before the iteration's end, in training or in a save of it.
    expect((landed.training ?? 0) + (landed['checkpoint-write'] ?? 0) + (landed.evaluation ?? 0)).toBeGreaterThan(0);
    const report = await verifyExperiment(join(exp.resultsDir, 'crashed'), 'crashed');
    expect(report.problems).toEqual([]);
    expect(report.verified).toBeGreaterThan(0);
    expect(await resultsFingerprint(join(exp.resultsDir, 'crashed'))).toEqual(await resultsFingerprint(join(exp.resultsDir, 'uninterrupted')));
  }, 300_000);
});
