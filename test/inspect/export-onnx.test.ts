import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { greedyPolicy } from '../../src/agent/ensemble.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { featureColumnNames } from '../../src/data/feature-specs.js';
import { computeFeatures } from '../../src/data/features.js';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { marketView } from '../../src/env/market.js';
import { loadCheckpointModel, type CheckpointModel } from '../../src/inspect/load-checkpoint-model.js';
import { runConfigSchema } from '../../src/records/index.js';
import { layout } from '../../src/store/layout.js';
import { loadModelZip, voteOf } from '../../src/store/model-zip.js';
import { Rng } from '../../src/random/rng.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { ar1Prices, toPanelCsv } from '../helpers/synthetic.js';
import { tempDir } from '../helpers/temp.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** Observations compared per model: the data's own rows at every position, then random ones. */
const RANDOM_OBSERVATIONS = 1200;

describe('wfo export: the ONNX graph takes the actions of the pipeline’s own policy (real CLI, onnxruntime-node)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let single: ReturnType<typeof smallExperiment>;
  let panel: ReturnType<typeof smallExperiment>;
  const cli = (exp: { resultsDir: string }, ...args: string[]) => runCli([...args, '--results-dir', exp.resultsDir]);

  beforeAll(async () => {
    await selectBackend('wasm');
    const tiny = { windows: { train: 300, validation: 100, test: 100, maxIterations: 1 }, training: { timesteps: 400, evalFreq: 200 } };
    single = smallExperiment(join(mkdir(tmp.dir, 'single')), { ...tiny, selection: { minScore: -1000 } });
    const panelData = join(mkdir(tmp.dir, 'panel'), 'panel.csv');
    writeFileSync(
      panelData,
      toPanelCsv([
        { symbol: 'AAA', prices: ar1Prices(800, 0.3, 0.01, 31) },
        { symbol: 'BBB', prices: ar1Prices(800, -0.2, 0.012, 32) },
        { symbol: 'CCC', prices: ar1Prices(800, 0.2, 0.008, 33) },
      ]),
    );
    panel = smallExperiment(join(tmp.dir, 'panel'), { ...tiny, data: { path: panelData, align: 'ffill' }, selection: { minScore: -1000 } });
    const train = (exp: { configFile: string }, id: string, ...sets: string[]) =>
      runCli(walkforwardArgs(exp, id, '--quiet', '--no-charts', '--workers', '1', ...sets.flatMap((s) => ['--set', s])));
    const runs = await Promise.all([
      train(single, 'one'),
      train(single, 'vote', 'training.seeds=3', 'selection.ensemble=vote'),
      train(single, 'none', 'selection.minScore=1000000000'),
      train(single, 'ridge', 'agent.algorithm=linear'),
      train(panel, 'panel'),
    ]);
    for (const r of runs) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }, 300_000);

  /** Exports iteration 1 to ONNX and compares its actions with greedyPolicy's on the data's rows and random observations. */
  async function expectSameActions(
    exp: ReturnType<typeof smallExperiment>,
    id: string,
    policyKind: 'network' | 'vote',
    source: 1 | 'production' = 1,
  ): Promise<void> {
    const root = join(exp.resultsDir, id);
    const which = source === 'production' ? ['--production'] : ['--iteration', '1'];
    const run = await cli(exp, 'export', '--experiment', id, ...which, '--format', 'onnx');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const folder = join(root, layout.exportFolder(source, 'onnx'));
    const manifest = readJson(join(folder, layout.exportFiles.manifest));
    expect(manifest).toMatchObject({ product: 'wfo-rl', kind: 'policy-export', format: 'onnx', policy: policyKind });
    const productionFile = join(root, layout.production.model);
    const checkpoint: CheckpointModel =
      source === 'production' ? { iteration: 0, file: productionFile, ...(await loadModelZip(productionFile)) } : await loadCheckpointModel(root, 1);
    checkpoint.model.dispose();
    const { metadata } = checkpoint;
    expect(manifest.positions).toEqual(metadata.actions);
    expect(manifest.input.columns).toHaveLength(metadata.observationDim);

    const observations = [
      ...(await dataObservations(root, checkpoint, manifest.input.columns)),
      ...randomObservations(metadata.observationDim, metadata.actions, RANDOM_OBSERVATIONS),
    ];
    expect(observations.length).toBeGreaterThanOrEqual(1000);
    const obsDim = metadata.observationDim;
    const batch = new Float32Array(observations.length * obsDim);
    observations.forEach((o, i) => batch.set(o, i * obsDim));
    const observationsFile = join(folder, '..', `${id}-observations.f32`);
    writeFileSync(observationsFile, batch);
    const ran = JSON.parse(
      execFileSync(
        process.execPath,
        [join(repoRoot, 'test/helpers/onnx-run.mjs'), join(folder, layout.exportFiles.onnx), observationsFile, String(obsDim)],
        {
          encoding: 'utf8',
        },
      ),
    ) as { inputNames: string[]; outputNames: string[]; action: number[] };
    expect(ran.inputNames).toEqual(['observation']);
    expect(ran.outputNames).toEqual(['action', policyKind === 'vote' ? 'votes' : 'q_values']);
    const exported = ran.action;

    const policy = greedyPolicy(shapeOf(checkpoint), checkpoint.weights, voteOf(checkpoint));
    try {
      const pipeline = observations.map((o) => policy.action(o));
      const differing = pipeline.flatMap((a, i) => (a === exported[i] ? [] : [i]));
      expect({ compared: observations.length, differing }).toEqual({ compared: observations.length, differing: [] });
      // Not one constant action: the comparison sees the policy choose.
      expect(new Set(pipeline).size).toBeGreaterThan(1);
    } finally {
      policy.dispose();
    }
  }

  test('one instrument: the data’s rows at every position and random observations', async () => {
    await expectSameActions(single, 'one', 'network');
  }, 60_000);

  test('the ridge baseline (agent.algorithm linear): its greedy network exports the same way', async () => {
    await expectSameActions(single, 'ridge', 'network');
  }, 60_000);

  test('a panel of three instruments', async () => {
    await expectSameActions(panel, 'panel', 'network');
  }, 60_000);

  test('the vote of three seeds: each member’s argmax weighted by its rank, summed, argmax', async () => {
    await expectSameActions(single, 'vote', 'vote');
  }, 60_000);

  test('the metadata names the positions, the observation and where the model came from; tfjs writes the zip’s files', async () => {
    const root = join(single.resultsDir, 'one');
    const folder = join(root, layout.exportFolder(1, 'onnx'));
    const onnxBytes = readFileSync(join(folder, layout.exportFiles.onnx));
    const { onnx } = (await import('onnx-proto')).default;
    const model = onnx.ModelProto.decode(onnxBytes);
    const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    const config = configSchema.parse(runConfigSchema.parse(readJson(join(root, layout.config))).config);
    expect(JSON.parse(props.positions)).toEqual([-1, 0, 1]);
    expect(JSON.parse(props.observation_columns)).toEqual([...featureColumnNames(config.features, config.env.lookback), 'position']);
    expect(props).toMatchObject({ experiment: 'one', iteration: '1', policy: 'network', production: 'false' });
    expect(props.config_hash).toMatch(/^[0-9a-f]{8,}$/);
    expect(props.data_sha256).toMatch(/^[0-9a-f]{64}$/);

    const tfjs = await cli(single, 'export', '--experiment', 'one', '--iteration', '1', '--format', 'tfjs');
    expect({ code: tfjs.code, stderr: tfjs.stderr }).toEqual({ code: 0, stderr: '' });
    const tfjsFolder = join(root, layout.exportFolder(1, 'tfjs'));
    for (const name of ['model.json', 'weights.bin', layout.exportFiles.manifest]) expect(existsSync(join(tfjsFolder, name))).toBe(true);
    expect(readJson(join(tfjsFolder, layout.exportFiles.manifest)).observation.columns[0]).toEqual(
      expect.objectContaining({ name: expect.any(String) }),
    );
  });

  test('--production: the production model (the newest window, ending at the last bar) exports the same way', async () => {
    await expectSameActions(single, 'one', 'network', 'production');
    const manifest = readJson(join(single.resultsDir, 'one', layout.exportFolder('production', 'onnx'), layout.exportFiles.manifest));
    expect(manifest.source).toMatchObject({ production: true, model: layout.production.model, iteration: 0 });
  }, 60_000);

  test('refusals: exit 2 with one line', async () => {
    const refused = async (exp: { resultsDir: string }, pattern: RegExp, ...args: string[]) => {
      const r = await cli(exp, 'export', ...args);
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    };
    await refused(single, /--iteration N or --production/, '--experiment', 'one');
    await refused(single, /--iteration N or --production/, '--experiment', 'one', '--iteration', '1', '--production');
    await refused(single, /typo/, '--experiment', 'typo', '--iteration', '1');
    await refused(single, /iteration 7 is not in/, '--experiment', 'one', '--iteration', '7');
    await refused(single, /iteration 1 has no model/, '--experiment', 'none', '--iteration', '1');
    // No candidate qualified on the newest window either: there is no production model to export.
    await refused(single, /production[/\\]model\.zip does not exist/, '--experiment', 'none', '--production');

    // An experiment's exports/ that is a link to a folder elsewhere is not written through.
    symlinkSync(mkdir(tmp.dir, 'elsewhere'), join(single.resultsDir, 'none', layout.exports));
    await refused(single, /exports: it is a symbolic link/, '--experiment', 'none', '--iteration', '1');
    const foreignFile = join(tmp.dir, 'notes.txt');
    writeFileSync(foreignFile, 'mine');
    await refused(single, /notes\.txt exists and is not a folder/, '--experiment', 'one', '--iteration', '1', '--out', foreignFile);
    const foreignFolder = mkdir(tmp.dir, 'mine');
    writeFileSync(join(foreignFolder, 'policy.onnx'), 'not ours');
    await refused(single, /mine has no export\.json written by wfo export/, '--experiment', 'one', '--iteration', '1', '--out', foreignFolder);
    writeFileSync(join(foreignFolder, 'data.csv'), 'a,b');
    await refused(single, /holds "data\.csv", which is not an export file/, '--experiment', 'one', '--iteration', '1', '--out', foreignFolder);
    expect(readFileSync(join(foreignFolder, 'policy.onnx'), 'utf8')).toBe('not ours');
    expect(readFileSync(foreignFile, 'utf8')).toBe('mine');

    // Its own export it writes again, and a folder that changes format keeps only the new format's files.
    const out = join(tmp.dir, 'exported');
    for (const format of ['tfjs', 'onnx']) {
      const r = await cli(single, 'export', '--experiment', 'one', '--iteration', '1', '--format', format, '--out', out);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    }
    expect(existsSync(join(out, layout.exportFiles.onnx))).toBe(true);
    expect(existsSync(join(out, 'model.json'))).toBe(false);
  }, 120_000);
});

function mkdir(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The policy's layer sizes, read off its weights (kernel and bias per layer). */
function shapeOf(checkpoint: CheckpointModel): { obsDim: number; hidden: number[]; nActions: number } {
  const network = checkpoint.members?.[0] ?? checkpoint.weights;
  const units = network.filter((_, i) => i % 2 === 1).map((bias) => bias.length);
  return { obsDim: checkpoint.metadata.observationDim, hidden: units.slice(0, -1), nActions: units[units.length - 1] };
}

/** One-instrument models: every valid row of the data, standardized as the pipeline does, at every position. */
async function dataObservations(root: string, checkpoint: CheckpointModel, observationColumns: string[]): Promise<Float32Array[]> {
  const observation = checkpoint.metadata.observation;
  if (!observation || observation.panel) return [];
  const config = configSchema.parse(runConfigSchema.parse(readJson(join(root, layout.config))).config);
  const series = await loadPriceSeries(config.data);
  const features = computeFeatures(series.price, { lookback: observation.lookback }, observation.features, series.features);
  const market = marketView(features, observation.standardization);
  expect(observationColumns).toEqual([...features.names, 'position']);
  const rows: Float32Array[] = [];
  for (let t = market.firstValidRow; t < series.rows; t++) {
    for (const position of checkpoint.metadata.actions) {
      const obs = new Float32Array(market.featureDim + 1);
      obs.set(market.features.subarray(t * market.featureDim, (t + 1) * market.featureDim));
      obs[market.featureDim] = position;
      rows.push(obs);
    }
  }
  return rows;
}

/** Standard-normal features (wider than the data, to reach other actions) with a position, and exposure, drawn from the allowed ones. */
function randomObservations(obsDim: number, positions: number[], count: number): Float32Array[] {
  const rng = Rng.fromSeed(2026);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Array.from({ length: count }, () => {
    const obs = Float32Array.from({ length: obsDim }, () => 2 * normal());
    obs[obsDim - 1] = positions[Math.floor(rng.next() * positions.length)];
    return obs;
  });
}
