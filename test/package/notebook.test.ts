import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCheckpointPerformance } from '../../src/inspect/performance.js';
import { repoRoot } from '../helpers/cli.js';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { tempDir } from '../helpers/temp.js';

const repoModules = join(repoRoot, 'node_modules');

/**
 * Installs a packed tarball into `project` without the registry and without npm's cache: the tarball is unpacked as
 * npm would unpack it, and each of its declared runtime dependencies is linked from this repository's own
 * node_modules (which `npm ci` filled from the same lock file). Only declared dependencies are linked, so an import
 * the package forgot to declare fails here as it would for a user.
 */
function installPacked(tarball: string, project: string): string {
  const target = join(project, 'node_modules', 'wfo-rl');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies)) {
    const source = join(repoModules, name);
    if (!existsSync(source)) throw new Error(`dependency ${name} of the packed package is not in ${repoModules}`);
    const link = join(project, 'node_modules', name);
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(source, link, 'dir');
  }
  return target;
}

describe('the packed package, installed into a separate project, used the way a notebook would', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('import { analyzeCheckpointPerformance, listCheckpoints } from the installed package, and a record schema from wfo-rl/records, answer about a real experiment', async () => {
    const exp = await finishedExperiment(tmp.dir);
    // An empty cache of its own: the test must not lean on what earlier installs left in the user's npm cache.
    const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_cache: join(tmp.dir, 'npm-cache') };
    execFileSync('npm', ['pack', '--pack-destination', tmp.dir], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = readdirSync(tmp.dir).find((f) => f.endsWith('.tgz')) as string;
    const project = join(tmp.dir, 'notebook');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'notebook', private: true, type: 'module' }));
    const installed = installPacked(join(tmp.dir, tarball), project);
    const script = `
      import { analyzeCheckpointPerformance, listCheckpoints } from 'wfo-rl';
      import { walkforwardSummarySchema } from 'wfo-rl/records';
      import { readFileSync } from 'node:fs';
      const analysis = await analyzeCheckpointPerformance(${JSON.stringify(exp.paths.root)});
      const list = await listCheckpoints(${JSON.stringify(exp.paths.root)});
      const summary = walkforwardSummarySchema.parse(JSON.parse(readFileSync(${JSON.stringify(exp.paths.summary)}, 'utf8')));
      console.log(JSON.stringify({ analysis, rows: list.records.length, qualified: summary.qualified }));
    `;
    writeFileSync(join(project, 'cell.mjs'), script);
    const out = JSON.parse(execFileSync(process.execPath, ['cell.mjs'], { cwd: project, encoding: 'utf8' }));
    const direct = await analyzeCheckpointPerformance(exp.paths.root);
    expect(out.rows).toBe(4);
    expect(out.qualified).toBe(exp.summary.qualified);
    expect(out.analysis.records).toEqual(JSON.parse(JSON.stringify(direct.records)));
    expect(out.analysis.analysis).toEqual(JSON.parse(JSON.stringify(direct.analysis)));
    expect(out.analysis.outOfSample.bars).toBe(400);
    expect(readdirSync(join(installed, 'dist'))).toContain('index.d.ts');
  }, 240_000);
});
