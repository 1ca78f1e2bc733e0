import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkforwardSummarySchema } from '../../src/records/index.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

describe('what a run shows: save plan, progress lines, structured log, monitoring', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('off a terminal: the save plan, a plain progress line at each moment, pretty log lines; run.log holds JSON events', async () => {
    const exp = smallExperiment(tmp.dir, { saving: { nProgressUpdates: 20, nModelSaves: 6, nImageSaves: 4 } });
    const r = await runCli(['walkforward', '--experiment', 'watch', '--config', exp.configFile, '--no-charts', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Save configuration:\n.*- Model checkpoints: ~6 saves \(every 600 steps, plus one at the end of each iteration\)\n.*- Visualizations: ~4 saves \(every 900 steps\)\n.*- Progress updates: ~20 times \(every 180 steps\)\n.*- All saves in: .*watch\//,
    );
    const progress = r.stdout.split('\n').filter((l) => l.startsWith('progress: iteration'));
    // The production model trains after the study, at the same moments, its steps counted beyond the study's.
    const production = r.stdout.split('\n').filter((l) => l.startsWith('progress: production model'));
    expect(production.length).toBeGreaterThanOrEqual(5);
    expect(production.length).toBeLessThanOrEqual(8);
    expect(production[0]).toMatch(/^progress: production model, step 180\/1200 \(79% of the run\), \d+ steps\/s, ETA \S+, last validation score/);
    expect(progress.length).toBeGreaterThanOrEqual(20);
    expect(progress.length).toBeLessThanOrEqual(23);
    expect(progress[0]).toMatch(/^progress: iteration 1\/3, step 180\/1200 \(5% of the run\), \d+ steps\/s, ETA \S+, last validation score/);
    expect(r.stdout).toMatch(/\[\d\d:\d\d:\d\d\] INFO: iteration 1: 1200 steps in/);

    const log = readFileSync(join(exp.resultsDir, 'watch', 'run.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(log.map((l) => l.runId)).size).toBe(1);
    expect(log.every((l) => l.experiment === 'watch' && typeof l.event === 'string')).toBe(true);
    const done = log.filter((l) => l.event === 'iteration-done');
    expect(done.map((l) => l.iteration)).toEqual([1, 2, 3]);
    for (const d of done) {
      expect(d.stepsPerSecond).toBeGreaterThan(0);
      expect(d.updatesPerSecond).toBeGreaterThan(0);
      expect(Object.keys(d.phases).sort()).toEqual(['action', 'environment', 'evaluation', 'plotting', 'saving', 'training']);
      expect(d.rssBytes).toBeGreaterThan(1e6);
    }
    const summary = walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(exp.resultsDir, 'watch', 'walkforward_summary.json'), 'utf8')));
    expect(summary.peakRssBytes).toBe(Math.max(...summary.iterations.map((i) => i.performance.rssBytes)));
    expect(summary.iterations[0].performance.phases.training).toBeGreaterThan(0);
  });

  test('--quiet prints no progress and no info lines, only the final summary', async () => {
    const exp = smallExperiment(tmp.dir);
    const r = await runCli(['walkforward', '--experiment', 'hush', '--config', exp.configFile, '--no-charts', '--quiet', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/progress:|INFO|Save configuration/);
    expect(r.stdout).toMatch(/^Finished experiment hush/);
  });
});
