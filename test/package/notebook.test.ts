import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCheckpointPerformance } from '../../src/analysis/performance.js';
import { repoRoot } from '../helpers/cli.js';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { tempDir } from '../helpers/temp.js';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

describe('the packed package, installed into a separate project, used the way a notebook would', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('import { analyzeCheckpointPerformance, listCheckpoints } from the installed package answers about a real experiment', async () => {
    const exp = await finishedExperiment(tmp.dir);
    npm(['pack', '--pack-destination', tmp.dir], repoRoot);
    const tarball = readdirSync(tmp.dir).find((f) => f.endsWith('.tgz')) as string;
    const project = join(tmp.dir, 'notebook');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'notebook', private: true, type: 'module' }));
    // Offline: every dependency is already in npm's cache from installing this repository; no network in tests.
    npm(['install', '--offline', '--omit=optional', '--no-audit', '--no-fund', join(tmp.dir, tarball)], project);
    const script = `
      import { analyzeCheckpointPerformance, listCheckpoints } from 'wfo-rl';
      const analysis = await analyzeCheckpointPerformance(${JSON.stringify(exp.paths.root)});
      const list = await listCheckpoints(${JSON.stringify(exp.paths.root)});
      console.log(JSON.stringify({ analysis, rows: list.records.length }));
    `;
    writeFileSync(join(project, 'cell.mjs'), script);
    const out = JSON.parse(execFileSync(process.execPath, ['cell.mjs'], { cwd: project, encoding: 'utf8' }));
    const direct = await analyzeCheckpointPerformance(exp.paths.root);
    expect(out.rows).toBe(4);
    expect(out.analysis.records).toEqual(JSON.parse(JSON.stringify(direct.records)));
    expect(out.analysis.analysis).toEqual(JSON.parse(JSON.stringify(direct.analysis)));
    expect(out.analysis.outOfSample.bars).toBe(400);
    const types = readdirSync(join(project, 'node_modules', 'wfo-rl', 'dist'));
    expect(types).toContain('index.d.ts');
  }, 240_000);
});
