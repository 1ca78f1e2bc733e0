import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, runCli, startCli } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';
import { decodeFile } from '../helpers/tensorboard-decoder.js';
import { runLogEventSchemas, runLogLineSchema, type RunLogEventKind } from '../../src/records/index.js';
import { experimentStatus, type ExperimentStatus } from '../../src/inspect/status.js';
import { readExperimentLog } from '../../src/inspect/logs.js';
import { iterationRecordSchema, type IterationRecord } from '../../src/records/index.js';

/**
 * One real run watched from outside: on 2 worker threads, polled with `status` while it runs, stopped by SIGINT
 * after its first training checkpoint, looked at while stopped, resumed to the end. Its run.log, TensorBoard files
 * and status are then checked against the records the run left.
 */
const { dir, cleanup } = tempDir('wfo-observe-');
// bufferSize under ten batches: a config warning that must reach run.log.
const exp = smallExperiment(dir, {
  agent: { layers: [24, 24], learningStarts: 200, targetUpdateInterval: 300, bufferSize: 300, batchSize: 32, explorationFraction: 0.3 },
  training: { timesteps: 9600, evalFreq: 1200 },
  selection: { minScore: -1000 },
});
const id = 'watched';
const root = join(exp.resultsDir, id);
const args = ['walkforward', '--experiment', id, '--config', exp.configFile, '--workers', '2', '--no-charts'];
const logLines = () =>
  readFileSync(join(root, 'run.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let running: ExperimentStatus | null = null;
let interrupted: ExperimentStatus;
let killed: ExperimentStatus;
let finished: ExperimentStatus;
let firstExit: number | null;
let records: IterationRecord[];

beforeAll(async () => {
  // WFO_HOLD keeps each worker at its first training checkpoint until the signal lands, however fast the machine.
  const child = startCli(args, { env: { WFO_HOLD: 'training-checkpoint' }, compiled: true });
  const exited = collect(child);
  let done = false;
  void exited.then(() => (done = true));
  // Poll like `wfo status --follow` would until a training checkpoint is committed, then interrupt.
  while (!done) {
    const status = await experimentStatus(exp.resultsDir, id).catch(() => null);
    if (status?.state === 'running' && status.active.some((a) => a.step > 0)) running ??= status;
    const checkpointed = status?.lastCheckpoint?.file.includes('/training/');
    if (running && checkpointed) break;
    await sleep(100);
  }
  child.kill('SIGINT');
  const first = await exited;
  firstExit = first.code;
  interrupted = await experimentStatus(exp.resultsDir, id);
  // The same experiment as a kill -9 would leave it: no end line, no live holder.
  const copy = join(dir, 'killed');
  cpSync(exp.resultsDir, copy, { recursive: true });
  const lines = readFileSync(join(copy, id, 'run.log'), 'utf8')
    .split('\n')
    .filter(Boolean);
  writeFileSync(join(copy, id, 'run.log'), lines.filter((l) => !l.includes('"run-failed"')).join('\n') + '\n');
  killed = await experimentStatus(copy, id);
  const second = await runCli(args);
  expect(second.code).toBe(0);
  finished = await experimentStatus(exp.resultsDir, id);
  records = readdirSync(join(root, 'checkpoints'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => iterationRecordSchema.parse(JSON.parse(readFileSync(join(root, 'checkpoints', f), 'utf8'))))
    .sort((a, b) => a.iteration - b.iteration);
}, 240_000);

afterAll(() => cleanup());

describe('run.log', () => {
  test('every line fits the schema of its event kind', () => {
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(50);
    for (const line of lines) {
      expect(Object.keys(runLogEventSchemas)).toContain(line.event);
      const schema = runLogEventSchemas[line.event as RunLogEventKind];
      const parsed = schema.safeParse(line);
      if (!parsed.success) throw new Error(`${JSON.stringify(line)}: ${parsed.error.message}`);
      expect(runLogLineSchema.safeParse(line).success).toBe(true);
    }
  });

  test('the run shows each kind of event, the SIGINT and the resume included', () => {
    expect(firstExit).toBe(130);
    const kinds = new Set(logLines().map((l) => l.event));
    for (const kind of [
      'run-start',
      'save-plan',
      'config-warning',
      'worker-start',
      'worker-stop',
      'progress',
      'evaluation',
      'checkpoint',
      'cleanup-removal',
      'iteration-done',
      'run-failed',
      'run-resume',
      'resume',
      'resume-overhead',
      'run-done',
    ])
      expect(kinds).toContain(kind);
  });

  test('lines carry run id, experiment, iteration and step; a resume after SIGINT loses no steps', () => {
    const lines = logLines();
    expect(new Set(lines.map((l) => l.runId)).size).toBe(2);
    expect(lines.every((l) => l.experiment === id)).toBe(true);
    for (const l of lines.filter((x) => ['progress', 'evaluation', 'checkpoint', 'resume'].includes(String(x.event)))) {
      expect(typeof l.iteration).toBe('number');
      expect(typeof l.step).toBe('number');
    }
    const failed = lines.find((l) => l.event === 'run-failed');
    expect(failed).toMatchObject({ errorName: 'InterruptedError', exitCode: 130 });
    const resumes = lines.filter((l) => l.event === 'resume');
    expect(resumes.length).toBeGreaterThan(0);
    for (const r of resumes) expect(r.stepsLost).toBe(0);
    // Every evaluation of the final records was logged, with the score the record keeps.
    const evaluations = lines.filter((l) => l.event === 'evaluation');
    for (const r of records)
      for (const c of r.selection.candidates)
        expect(evaluations.some((e) => e.iteration === r.iteration && e.step === c.step && e.score === c.score)).toBe(true);
  });

  test('logs filters by iteration and event kind', async () => {
    const all = await readExperimentLog(exp.resultsDir, id);
    const evals2 = await readExperimentLog(exp.resultsDir, id, { iteration: 2, event: 'evaluation' });
    expect(evals2.length).toBeGreaterThan(0);
    expect(evals2.every((l) => l.iteration === 2 && l.event === 'evaluation')).toBe(true);
    expect(evals2.length).toBe(all.filter((l) => l.iteration === 2 && l.event === 'evaluation').length);
    const cli = await runCli(['logs', '--experiment', id, '--results-dir', exp.resultsDir, '--iteration', '2', '--event', 'checkpoint']);
    expect(cli.code).toBe(0);
    const printed = cli.stdout.trim().split('\n');
    expect(printed.length).toBe(all.filter((l) => l.iteration === 2 && l.event === 'checkpoint').length);
    expect(printed.every((l) => /\[checkpoint\] iteration 2: committed /.test(l))).toBe(true);
  }, 60_000);
});

describe('TensorBoard files', () => {
  const tagged = (dirName: string) => {
    const folder = join(root, 'tensorboard', dirName);
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    const byTag = new Map<string, Array<[number, number]>>();
    for (const event of decodeFile(join(folder, files[0])))
      for (const [tag, value] of event.values) (byTag.get(tag) ?? byTag.set(tag, []).get(tag))?.push([event.step, value]);
    return byTag;
  };
  const f32 = (pairs: Array<[number, number | null]>) => pairs.filter(([, v]) => v !== null).map(([s, v]) => [s, Math.fround(v as number)]);

  test('each iteration folder holds exactly the history and candidates of its record, after the SIGINT and resume', () => {
    expect(records).toHaveLength(3);
    for (const r of records) {
      const byTag = tagged(`iter_${String(r.iteration).padStart(3, '0')}`);
      const h = r.training.history;
      expect(byTag.get('train/loss')).toEqual(f32(h.points.map((p) => [p.step, p.loss])));
      expect(byTag.get('train/epsilon')).toEqual(f32(h.points.map((p) => [p.step, p.epsilon])));
      expect(byTag.get('train/max_abs_q')).toEqual(f32(h.points.map((p) => [p.step, p.maxAbsQ])));
      expect(byTag.get('train/episode_reward')).toEqual(f32(h.episodes.map((e) => [e.step, e.reward])));
      expect(byTag.get('eval/sharpe')).toEqual(f32(r.selection.candidates.map((c) => [c.step, c.score])));
      const speed = byTag.get('perf/steps_per_second') ?? [];
      expect(speed.length).toBeGreaterThan(0);
      expect(new Set(speed.map(([s]) => s)).size).toBe(speed.length);
    }
  });

  test('the experiment folder holds the test Sharpe of each iteration and the stitched equity of every out-of-sample bar', () => {
    const byTag = tagged('experiment');
    expect(byTag.get('test/sharpe')).toEqual(f32(records.map((r) => [r.iteration, r.metrics.test.sharpe])));
    const csv = readFileSync(join(root, 'oos_returns.csv'), 'utf8').trim().split('\n').slice(1);
    const equity = csv.map((line) => {
      const cells = line.split(',');
      return [Number(cells[1]), Math.fround(Number(cells[6]))];
    });
    const got = byTag.get('oos/equity') ?? [];
    expect(got.map(([s]) => s)).toEqual(equity.map(([s]) => s));
    got.forEach(([, v], i) => expect(v).toBeCloseTo(equity[i][1], 5));
  });

  test('TensorBoard files are not in the index', () => {
    const index = JSON.parse(readFileSync(join(root, 'checkpoint_index.json'), 'utf8')) as { entries: Array<{ path: string }> };
    expect(index.entries.some((e) => e.path.includes('tensorboard') || e.path.includes('tfevents'))).toBe(false);
  });
});

describe('status', () => {
  test('of a running experiment: holder, iteration and step, steps/s, ETA', () => {
    expect(running).not.toBeNull();
    const s = running as ExperimentStatus;
    expect(s.state).toBe('running');
    expect(s.holder?.pid).toBeGreaterThan(0);
    expect(s.iteration).toBeGreaterThanOrEqual(1);
    expect(s.step).toBeGreaterThan(0);
    expect(s.stepsPerSecond).toBeGreaterThan(0);
    expect(s.etaSeconds).toBeGreaterThan(0);
    expect(s.rerun).toBeNull();
  });

  test('of an interrupted experiment: how it stopped and from which checkpoint a rerun continues', () => {
    expect(interrupted.state).toBe('interrupted');
    expect(interrupted.holder).toBeNull();
    expect(interrupted.ended).toMatchObject({ event: 'run-failed', errorName: 'InterruptedError', exitCode: 130 });
    expect(interrupted.rerun?.action).toBe('continue');
    expect(interrupted.rerun?.resumes.length).toBeGreaterThan(0);
    for (const r of interrupted.rerun?.resumes ?? []) {
      expect(r.from).toMatch(/training\/model_step_\d+\.zip$/);
      expect(r.stepsLost).toBe(0);
    }
    expect(interrupted.warnings.some((w) => w.event === 'config-warning')).toBe(true);
  });

  test('of a killed experiment: no end line and no live holder', () => {
    expect(killed.state).toBe('killed');
    expect(killed.ended).toBeNull();
    expect(killed.rerun?.action).toBe('continue');
  });

  test('of a finished experiment, also through the command line', async () => {
    expect(finished.state).toBe('finished');
    expect(finished.iterationsDone).toBe(3);
    expect(finished.rerun?.action).toBe('nothing');
    const cli = await runCli(['status', '--experiment', id, '--results-dir', exp.resultsDir, '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ state: 'finished', iterationsDone: 3, ended: { event: 'run-done' } });
  }, 60_000);
});
