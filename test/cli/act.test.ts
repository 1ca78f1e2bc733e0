import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { greedyPolicy } from '../../src/agent/ensemble.js';
import { policyShape } from '../../src/agent/registry.js';
import { loadConfig } from '../../src/config/load-config.js';
import { computeFeatures } from '../../src/data/features.js';
import { marketView } from '../../src/env/market.js';
import { TradingEnv } from '../../src/env/trading-env.js';
import { modelCardSchema } from '../../src/records/index.js';
import { loadModelZip, voteOf } from '../../src/store/model-zip.js';
import { runPolicy } from '../../src/training/evaluate.js';
import { runCli } from '../helpers/cli.js';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { ar1Prices, weekdayDates } from '../helpers/synthetic.js';
import { tempDir } from '../helpers/temp.js';

/** The experiment's CSV with `extra` more weekday bars after its last (new prices; the old rows unchanged). */
function extended(csv: string, extra: number, path: string): string {
  const lines = csv.trim().split('\n');
  const rows = lines.length - 1;
  const last = Number(lines[rows].split(',')[1]);
  const dates = weekdayDates(rows + extra).slice(rows);
  const more = ar1Prices(extra + 1, 0.4, 0.01, 99, last).slice(1);
  writeFileSync(path, [...lines, ...dates.map((d, i) => `${d},${more[i].toFixed(6)}`)].join('\n') + '\n');
  return path;
}

describe('wfo act: the position to hold from the next bar on (issue 26)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let exp: Awaited<ReturnType<typeof finishedExperiment>>;
  let csv: string;
  const act = (...more: string[]) => runCli(['act', '--experiment', 'acting', '--results-dir', exp.resultsDir, ...more]);

  beforeAll(async () => {
    exp = await finishedExperiment(tmp.dir, 'acting');
    csv = readFileSync(exp.data, 'utf8');
  });

  test("its position for the day after the last bar is the pipeline's own evaluation of the production model on that bar", async () => {
    const r = await act('--json');
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    const card = modelCardSchema.parse(JSON.parse(readFileSync(join(exp.paths.root, 'production/model_card.json'), 'utf8')));
    expect(answer).toMatchObject({ schemaVersion: 1, experiment: 'acting', asOf: { row: 799, date: card.data.lastDate }, barsSinceTraining: 0 });
    expect(answer.pathFrom.row).toBe(700);
    expect(answer.instruments).toHaveLength(1);
    const [one] = answer.instruments;
    expect(answer.positions[one.action]).toBe(one.position);
    expect(one.scores).toHaveLength(3);
    expect(one.scores.indexOf(Math.max(...one.scores))).toBe(one.action);

    // The pipeline's evaluation over data that goes on past that bar: the position it takes into bar 800 is
    // decided at the close of bar 799, the newest bar act saw.
    const longer = extended(csv, 5, join(tmp.dir, 'longer.csv'));
    const { config } = loadConfig({ configFile: exp.configFile });
    const model = await loadModelZip(join(exp.paths.root, 'production/model.zip'));
    model.model.dispose();
    const observation = model.metadata.observation!;
    const prices = Float64Array.from(readFileSync(longer, 'utf8').trim().split('\n').slice(1), (l) => Number(l.split(',')[1]));
    const market = marketView(computeFeatures(prices, { lookback: observation.lookback }, observation.features), observation.standardization);
    const env = new TradingEnv(market, 700, 805, config.env);
    const policy = greedyPolicy(policyShape(config.agent, env.spaces), model.weights, voteOf(model));
    const run = runPolicy(env, (obs) => policy.action(obs), { periodsPerYear: 252, riskFreeRate: 0 });
    policy.dispose();
    const bar800 = Array.from(run.rows).indexOf(800);
    expect(one.position).toBe(run.positions[bar800]);
    expect(one.held).toBe(run.positions[bar800 - 1]);

    const human = await act();
    expect(human.stdout).toContain(`Position to hold from the bar after ${card.data.lastDate} on:`);
    expect(human.stdout).toMatch(new RegExp(`prices\\s+${word(one.held)}\\s+${word(one.position)}\\s`));
  });

  test('newer data: the decision moves to its last bar, and past one test segment act warns that the model is stale', async () => {
    const few = JSON.parse((await act('--data', extended(csv, 3, join(tmp.dir, 'few.csv')), '--json')).stdout);
    expect(few).toMatchObject({ asOf: { row: 802 }, barsSinceTraining: 3, pathFrom: { row: 700 } });
    expect(few.warnings.some((w: string) => /bars past its training end/.test(w))).toBe(false);
    const stale = await act('--data', extended(csv, 150, join(tmp.dir, 'stale.csv')));
    expect(stale.code).toBe(0);
    expect(stale.stdout).toMatch(/warning: the model is 150 bars past its training end \(\d{4}-\d\d-\d\d\) and was current for 100/);
    const held = JSON.parse((await act('--held', 'short', '--json')).stdout);
    expect(held.instruments[0].held).toBe(-1);
  });

  test('refusals: exit 2 and one line naming the file, column or date', async () => {
    const oneLine = (r: { code: number | null; stderr: string }) => {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      return r.stderr;
    };
    const lines = csv.trim().split('\n');
    const older = join(tmp.dir, 'older.csv');
    writeFileSync(older, lines.slice(0, 700).join('\n') + '\n');
    const lastOld = lines[699].split(',')[0];
    expect(oneLine(await act('--data', older))).toMatch(
      new RegExp(`older\\.csv: its newest bar ${lastOld} is older than the production model's training end \\d{4}-`),
    );

    const renamed = join(tmp.dir, 'renamed.csv');
    writeFileSync(renamed, ['date,price', ...lines.slice(1)].join('\n') + '\n');
    expect(oneLine(await act('--data', renamed))).toMatch(/renamed\.csv.*close/);

    const short = join(tmp.dir, 'short.csv');
    writeFileSync(short, [lines[0], ...lines.slice(-4)].join('\n') + '\n');
    expect(oneLine(await act('--data', short))).toMatch(/short\.csv: 4 bars are not enough for the model's features, which need \d+/);

    expect(oneLine(await act('--held', 'sideways'))).toMatch(/--held "sideways": expected short, flat, long or a number/);

    cpSync(exp.paths.root, join(exp.resultsDir, 'none'), { recursive: true });
    const cardPath = join(exp.resultsDir, 'none', 'production', 'model_card.json');
    const card = JSON.parse(readFileSync(cardPath, 'utf8'));
    writeFileSync(cardPath, JSON.stringify({ ...card, status: 'none', model: null, reason: 'best sharpe -0.5 is below selection.minScore 0' }));
    const none = await runCli(['act', '--experiment', 'none', '--results-dir', exp.resultsDir]);
    expect(oneLine(none)).toMatch(
      /model_card\.json: no production model qualified on the newest window \(best sharpe -0\.5 is below selection\.minScore 0\)/,
    );

    cpSync(exp.paths.root, join(exp.resultsDir, 'bare'), { recursive: true });
    rmSync(join(exp.resultsDir, 'bare', 'production'), { recursive: true });
    const bare = await runCli(['act', '--experiment', 'bare', '--results-dir', exp.resultsDir]);
    expect(oneLine(bare)).toMatch(/bare\/production\/model_card\.json does not exist: run wfo walkforward on this experiment/);
  });
});

function word(p: number): string {
  return p < 0 ? 'short' : p > 0 ? 'long' : 'flat';
}
