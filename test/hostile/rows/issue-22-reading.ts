/** Issue 22 (hostile inputs, round three): the reading cases (items 11 and 12). */
import { appendFileSync, closeSync, cpSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { collect, startCli, waitForOutput } from '../../helpers/cli.js';
import { decodeFile } from '../../helpers/tensorboard-decoder.js';
import { experimentStatus } from '../../../src/inspect/status.js';
import { readExperimentLog } from '../../../src/inspect/logs.js';
import { verifyExperiment } from '../../../src/inspect/verify.js';
import { listStudies } from '../../../src/inspect/experiments.js';
import { at, cli, ID, type Case, type Row } from '../harness.js';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: Date.now(), msg: 'appended', runId: 'r', experiment: ID, ...fields });
const appendLines = (c: Case, ...lines: string[]) => appendFileSync(c.at('run.log'), lines.map((l) => `${l}\n`).join(''));
/** A run.log line of `mib` MiB (one JSON object, as a runaway writer could leave), written in pieces. */
function appendHugeLine(file: string, mib: number): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, '{"level":30,"time":1,"msg":"');
    const piece = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < mib; i++) writeSync(fd, piece);
    writeSync(fd, '"}\n');
  } finally {
    closeSync(fd);
  }
}
const eventFile = (folder: string) => join(folder, readdirSync(folder).find((f) => f.includes('tfevents')) as string);
const eventFileSize = (folder: string) => {
  try {
    return statSync(eventFile(folder)).size;
  } catch {
    return 0; // not there yet
  }
};
function flipMiddleByte(file: string): void {
  const bytes = readFileSync(file);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(file, bytes);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A study by hand, as `sweep` leaves it: study.json and one experiment folder per point (p1 finished, p2 never run). */
function makeStudy(c: Case, study: string): void {
  mkdirSync(join(c.results, study));
  const points = ['p1', 'p2'].map((id) => ({ id, settings: { seed: id === 'p1' ? 1 : 2 } }));
  writeFileSync(
    join(c.results, study, 'study.json'),
    JSON.stringify({ formatVersion: 1, study, base: null, points, createdAt: new Date().toISOString() }),
  );
  cpSync(c.root, join(c.results, study, 'p1'), { recursive: true });
}

/** A one-iteration experiment `k` beside the case's: the walkforward the TensorBoard row kills and reruns. */
const oneIteration = (c: Case) => join(c.dir, 'one-iteration.json');
const runK = (c: Case) => ['walkforward', '--config', oneIteration(c), '--experiment', 'k', '--no-charts'];

/** Kills a walkforward of `k` during its iteration, once its TensorBoard file holds records, then flips a byte in it. */
async function killDuringIteration(c: Case): Promise<void> {
  const config = JSON.parse(readFileSync(c.configFile, 'utf8'));
  writeFileSync(oneIteration(c), JSON.stringify({ ...config, windows: { ...config.windows, maxIterations: 1 } }));
  const child = startCli(runK(c), {
    env: { WFO_TRACE: '1', WFO_HOLD: 'training-checkpoint' },
    compiled: true,
  });
  const exited = collect(child);
  await waitForOutput(child, /trace phase=checkpoint-write iteration=1 /);
  const folder = join(c.results, 'k', 'tensorboard', 'iter_001');
  // The writer appends every 2 s: wait (in the hold) until the curve is in the file, so the flip lands among records.
  for (let waited = 0; waited < 10_000 && eventFileSize(folder) < 1000; waited += 100) await sleep(100);
  child.kill('SIGKILL');
  await exited;
  flipMiddleByte(eventFile(folder));
}

export const readingRows: Row[] = [
  // 11: status and logs read run.log line by line, skip and count what they cannot use, state from the records first
  {
    name: 'status on an evaluation line whose score is a string (was TypeError: x.toFixed): skipped and counted',
    issue: 22,
    item: 11,
    setup: (c) => appendLines(c, line({ event: 'evaluation', iteration: 1, step: 5, metric: 'sharpe', score: 'bad', newBest: true })),
    run: (c) => cli(['status', ...at(c)]),
    code: 0,
    message: /: finished\n[\s\S]*run\.log: 1 line skipped: line \d+ \(evaluation line: score: /,
    check: async (c) => expect((await experimentStatus(c.results, ID)).lastEvaluation?.score).not.toBe('bad'),
  },
  {
    name: 'status on lines whose time is past the Date range or not a number (was RangeError: Invalid time value)',
    issue: 22,
    item: 11,
    setup: (c) =>
      appendLines(
        c,
        line({ event: 'run-failed', time: 1e300, error: 'x', errorName: 'Error', exitCode: 1 }),
        line({ event: 'config-warning', time: 'yesterday' }),
        line({ event: 'progress', iteration: 'two', step: 5 }),
        '{"level":30,"time":17',
      ),
    run: (c) => cli(['status', ...at(c), '--json']),
    code: 0,
    message:
      /run\.log: 4 lines skipped: line \d+ \(time: Too big.*\), line \d+ \(time: .*expected number.*\), line \d+ \(iteration: .*\), line \d+ \(not JSON\)/,
    check: (_c, r) =>
      expect(JSON.parse(r.out.slice(0, r.out.lastIndexOf('}') + 1))).toMatchObject({ state: 'finished', runLog: { skipped: { count: 4 } } }),
  },
  {
    name: 'status of a finished run whose run.log ends in a 100 MB line: finished (was not-started), in bounded memory',
    issue: 22,
    item: 11,
    setup: (c) => appendHugeLine(c.at('run.log'), 100),
    run: (c) => cli(['status', ...at(c)]),
    code: 0,
    message:
      /: finished\n[\s\S]*rerun {7}the experiment is finished[\s\S]*run\.log: 1 line skipped: line \d+ \(\d+ bytes, longer than the 1048576 kept\)/,
    // Held whole, a 100 MB line costs several times its size; streamed, the process stays near its idle ~90 MiB.
    maxRssMiB: 200,
  },
  {
    name: 'logs of a run.log with a 100 MB line and lines of the wrong type: every other line printed, the skipped named, bounded memory',
    issue: 22,
    item: 11,
    setup: (c) => {
      appendHugeLine(c.at('run.log'), 100);
      appendLines(c, line({ event: 'progress', iteration: 4, step: 'x' }), line({ event: 'run-done', msg: 'after the long line' }));
    },
    run: (c) => cli(['logs', ...at(c), '--event', 'run-done']),
    code: 0,
    message: /\[run-done\] after the long line\n[\s\S]*warning: .*run\.log: 2 lines skipped: line \d+ \(\d+ bytes.*\), line \d+ \(step: /,
    maxRssMiB: 200,
    check: async (c) => expect((await readExperimentLog(c.results, ID, { event: 'run-done' })).map((l) => l.msg)).toContain('after the long line'),
  },
  {
    name: 'status takes the state from the summary and index first: a finished run whose run.log lost its end line is finished',
    issue: 22,
    item: 11,
    setup: (c) => writeFileSync(c.at('run.log'), readFileSync(c.at('run.log'), 'utf8').split('\n').slice(0, 3).join('\n') + '\n'),
    run: (c) => cli(['status', ...at(c)]),
    code: 0,
    message: /experiment e1 \(.*\): finished\n {2}iterations {2}4 of 4 finished/,
    check: async (c) => expect((await experimentStatus(c.results, ID)).rerun?.action).toBe('nothing'),
  },
  {
    name: 'status of an unknown id exits 2 with the experiments there, as list does',
    issue: 22,
    item: 11,
    run: (c) => cli(['status', '--experiment', 'nope', '--results-dir', c.results]),
    code: 2,
    message: /^error: no experiment nope under .*results; experiments there: e1$/m,
  },
  {
    name: 'logs of an unknown id exits 2 with the experiments there',
    issue: 22,
    item: 11,
    run: (c) => cli(['logs', '--experiment', 'nope', '--results-dir', c.results]),
    code: 2,
    message: /^error: no experiment nope under .*results; experiments there: e1$/m,
  },
  {
    name: 'status of a study folder says it is a study, exit 2',
    issue: 22,
    item: 11,
    setup: (c) => makeStudy(c, 's1'),
    run: (c) => cli(['status', '--experiment', 's1', '--results-dir', c.results]),
    code: 2,
    message: /^error: .*results\/s1 is a study \(study\.json\), not an experiment/m,
  },
  {
    name: 'experiments shows studies, each with its points and their states',
    issue: 22,
    item: 11,
    setup: (c) => makeStudy(c, 's1'),
    run: (c) => cli(['experiments', '--results-dir', c.results]),
    code: 0,
    message: /^e1 +finished +4 [\s\S]*^study +status +points +point states[\s\S]*^s1 +interrupted +2 +1 finished, 1 not-started /m,
    check: async (c) => expect((await listStudies(c.results)).map((s) => [s.study, s.points, s.pointStates.finished])).toEqual([['s1', 2, 1]]),
  },
  // 12: a damaged TensorBoard file never blocks a resume, and verify reports it
  {
    name: 'a byte flipped in the event file of an iteration killed mid-run: the rerun finishes, warns once naming it, the curve is whole',
    issue: 22,
    item: 12,
    setup: killDuringIteration,
    run: (c) => cli(runK(c)),
    code: 0,
    message:
      /WARN: iteration 1: TensorBoard file .*\/k\/tensorboard\/iter_001\/events\.out\.tfevents\.\d+\.wfo is damaged at byte \d+ \((length|payload) CRC mismatch\)/,
    check: async (c) => {
      const warned = (await readExperimentLog(c.results, 'k', { event: 'tensorboard-damaged' })).map((l) => l.iteration);
      expect(warned).toEqual([1]);
      expect((await experimentStatus(c.results, 'k')).warnings.map((w) => w.event)).toContain('tensorboard-damaged');
      // The iteration's curve came back whole from its checkpoint's history: the file holds exactly its record's losses.
      const record = JSON.parse(readFileSync(join(c.results, 'k', 'checkpoints', 'metrics_iter_1.json'), 'utf8'));
      const losses = decodeFile(eventFile(join(c.results, 'k', 'tensorboard', 'iter_001'))).flatMap((e) =>
        e.values.filter(([tag]) => tag === 'train/loss').map(([, v]) => [e.step, v]),
      );
      const expected = record.training.history.points.filter((p: { loss: number | null }) => p.loss !== null);
      expect(losses).toEqual(expected.map((p: { step: number; loss: number }) => [p.step, Math.fround(p.loss)]));
      expect((await verifyExperiment(join(c.results, 'k'), 'k')).warnings).toEqual([]);
    },
  },
  {
    name: 'a byte flipped in the experiment event file of a finished run: rerunning it finishes and warns naming the file',
    issue: 22,
    item: 12,
    setup: (c) => flipMiddleByte(eventFile(c.at('tensorboard/experiment'))),
    run: (c) => cli(['walkforward', '--config', c.configFile, ...at(c), '--no-charts']),
    code: 0,
    message: /WARN: TensorBoard file .*\/e1\/tensorboard\/experiment\/events\.out\.tfevents\.\d+\.wfo is damaged at byte \d+/,
    mayChange: ['config.json'],
  },
  {
    name: 'verify names a damaged event file as a warning; the checkpoints stay verified (exit 0)',
    issue: 22,
    item: 12,
    setup: (c) => flipMiddleByte(eventFile(c.at('tensorboard/iter_002'))),
    run: (c) => cli(['verify', ...at(c)]),
    code: 0,
    message:
      /0 problem\(s\), 1 warning\(s\)\n {2}warning: tensorboard\/iter_002\/events\.out\.tfevents\.\d+\.wfo: TensorBoard file damaged at byte \d+ \((length|payload) CRC mismatch\)/,
    check: async (c) =>
      expect(await verifyExperiment(c.root, ID)).toMatchObject({ ok: true, problems: [], warnings: [expect.stringMatching(/iter_002/)] }),
  },
  {
    name: 'verify --repair cuts a damaged event file back to its good records; the next verify finds nothing',
    issue: 22,
    item: 12,
    setup: (c) => flipMiddleByte(eventFile(c.at('tensorboard/iter_003'))),
    run: (c) => cli(['verify', ...at(c), '--repair']),
    code: 0,
    message: /repaired: cut tensorboard\/iter_003\/events\.out\.tfevents\.\d+\.wfo back to its \d+ good records \(\d+ bytes from byte \d+ dropped\)/,
    check: async (c) => {
      expect((await verifyExperiment(c.root, ID)).warnings).toEqual([]);
      expect(decodeFile(eventFile(c.at('tensorboard/iter_003'))).length).toBeGreaterThan(1);
    },
  },
];
