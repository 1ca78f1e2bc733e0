import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { featureColumnNames } from '../data/feature-specs.js';
import { panelSpaces } from '../env/panel-spaces.js';
import { UsageError } from '../errors/index.js';
import { writeFileAtomic, isTempName } from '../store/atomic-file.js';
import { layout } from '../store/layout.js';
import { loadModelZip, MODEL_ENTRY, WEIGHTS_ENTRY, type LoadedModel, type ModelMetadata } from '../store/model-zip.js';
import { readZip } from '../store/zip-store.js';
import { lstatOrNull, refuseNonFolder } from '../util/regular-file.js';
import { productVersion } from '../util/version.js';
import { loadCheckpointModel } from './load-checkpoint-model.js';
import { encodeOnnxPolicy, ONNX_NAMES, ONNX_OPSET } from './onnx-policy.js';

export type ExportFormat = 'onnx' | 'tfjs';
export const exportFormats: readonly ExportFormat[] = ['onnx', 'tfjs'];

export interface ExportOptions {
  /** An iteration's preserved model, or the experiment's production model. */
  source: { iteration: number } | 'production';
  format: ExportFormat;
  /** The export folder (default: exports/<iter_N|production>_<format> inside the experiment). */
  out?: string;
}

export interface ExportResult {
  folder: string;
  files: string[];
  model: string;
  policy: 'network' | 'vote';
  positions: number[];
}

/** A feature column of the observation: the pipeline feeds (raw - mean) / std, computed in float64, as float32. */
export interface StandardizedColumn {
  name: string;
  mean: number;
  std: number;
}

/** What export.json says: enough to rebuild the observation and read the outputs without this program. */
export interface ExportManifest {
  formatVersion: 1;
  product: 'wfo-rl';
  kind: 'policy-export';
  format: ExportFormat;
  files: string[];
  source: {
    experiment: string;
    iteration: number;
    production: boolean;
    model: string;
    step: number;
    configHash: string;
    dataSha256: string;
  };
  exportedBy: { wfo: string };
  policy: 'network' | 'vote';
  input: { name: string; dtype: 'float32'; shape: ['batch', number]; columns: string[] | null };
  outputs: Array<{ name: string; dtype: 'int64' | 'float32'; shape: Array<'batch' | number>; meaning: string }>;
  /** Action i means holding positions[i] (-1 short, 0 flat, 1 long). */
  positions: number[];
  /** How the pipeline builds the observation: ModelMetadata.observation plus each feature column's mean and std. */
  observation: (NonNullable<ModelMetadata['observation']> & { columns: StandardizedColumn[] | null }) | null;
  ensemble: ModelMetadata['ensemble'] | null;
}

/** Writes the greedy policy of a preserved or production model as ONNX (or tfjs) with export.json beside it. */
export async function exportPolicy(experimentDir: string, options: ExportOptions): Promise<ExportResult> {
  // The experiment's exports/ folder is written into only when it is a real folder, never through a link.
  if (options.out === undefined) await refuseNonFolder(join(experimentDir, layout.exports), 'move it away or give --out');
  const loaded = await loadSource(experimentDir, options.source);
  loaded.model.dispose();
  const source = options.source === 'production' ? options.source : options.source.iteration;
  const folder = options.out ?? join(experimentDir, layout.exportFolder(source, options.format));
  const previous = await claimExportFolder(folder);
  const { metadata } = loaded;
  const policy = loaded.metadata.ensemble && loaded.members ? 'vote' : 'network';
  const columns = observationColumns(metadata);
  const files = layout.exportFiles;
  const contents: Record<string, Uint8Array> = {};
  if (options.format === 'onnx') {
    contents[files.onnx] = encodeOnnxPolicy({
      obsDim: metadata.observationDim,
      nActions: metadata.actions.length,
      policy:
        policy === 'vote'
          ? { kind: 'vote', members: loaded.members ?? [], ranks: metadata.ensemble?.members.map((m) => m.rank) ?? [] }
          : { kind: 'network', weights: loaded.weights },
      metadata: onnxMetadata(metadata, columns, policy, options.source === 'production'),
      producerVersion: productVersion(),
    });
  } else {
    const entries = await readZip(loaded.file, [MODEL_ENTRY, WEIGHTS_ENTRY]);
    contents[MODEL_ENTRY] = entries[MODEL_ENTRY];
    contents[WEIGHTS_ENTRY] = entries[WEIGHTS_ENTRY];
  }
  const manifest = exportManifest(experimentDir, loaded, options, Object.keys(contents), columns, policy);
  for (const [name, bytes] of Object.entries(contents)) await writeFileAtomic(join(folder, name), bytes);
  await writeFileAtomic(join(folder, files.manifest), JSON.stringify(manifest, null, 2) + '\n');
  // A folder exported before in the other format keeps only this export's files.
  for (const name of previous) if (!(name in contents)) await rm(join(folder, name), { force: true });
  return { folder, files: [...Object.keys(contents), files.manifest], model: loaded.file, policy, positions: metadata.actions };
}

async function loadSource(experimentDir: string, source: ExportOptions['source']): Promise<LoadedModel & { file: string }> {
  if (source !== 'production') return loadCheckpointModel(experimentDir, source.iteration);
  const file = join(experimentDir, layout.production.model);
  if (!(await lstatOrNull(file))) throw new UsageError(`${file} does not exist: this experiment has no production model to export`);
  return { file, ...(await loadModelZip(file)) };
}

/**
 * Makes sure `folder` is one this command may write: missing (made here), empty, or an export it wrote before (its
 * export.json says so and it holds only export files). Returns the export files already there.
 */
async function claimExportFolder(folder: string): Promise<string[]> {
  const refuse = (why: string) =>
    new UsageError(`${folder} ${why}; wfo export writes only into a new folder or one it exported to before: give another --out or move it away`);
  const info = await lstatOrNull(folder);
  if (!info) {
    await mkdir(folder, { recursive: true });
    return [];
  }
  if (!info.isDirectory()) throw refuse('exists and is not a folder');
  const names = (await readdir(folder)).filter((n) => !isTempName(n));
  if (names.length === 0) return [];
  const ours = new Set<string>([...Object.values(layout.exportFiles), MODEL_ENTRY, WEIGHTS_ENTRY]);
  const foreign = names.find((n) => !ours.has(n));
  if (foreign !== undefined) throw refuse(`holds ${JSON.stringify(foreign.slice(0, 80))}, which is not an export file`);
  if (!(await isExportManifest(join(folder, layout.exportFiles.manifest))))
    throw refuse(`has no ${layout.exportFiles.manifest} written by wfo export`);
  return names.filter((n) => n !== layout.exportFiles.manifest);
}

async function isExportManifest(path: string): Promise<boolean> {
  const info = await lstatOrNull(path);
  if (!info?.isFile() || info.size > 16 * 2 ** 20) return false;
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Partial<ExportManifest>;
    return manifest.product === 'wfo-rl' && manifest.kind === 'policy-export';
  } catch {
    // Unreadable or not JSON: not a manifest this command wrote, so the folder is not ours to write into.
    return false;
  }
}

/** The observation's column names, as the environments build it, or null when the model does not record them. */
function observationColumns(metadata: ModelMetadata): string[] | null {
  const observation = metadata.observation;
  if (!observation) return null;
  const features = featureColumnNames(observation.features, observation.lookback);
  const panel = observation.panel;
  const names = panelSpaces(features, {
    allowShort: metadata.actions.some((p) => p < 0),
    portfolioFeatures: panel?.portfolioFeatures ?? false,
    marketFeatures: panel?.marketFeatures ?? false,
  }).observation.names;
  return names.length === metadata.observationDim ? [...names] : null;
}

/** Each feature column's standardization (its group's mean and std), in observation order. */
function standardizedColumns(observation: NonNullable<ModelMetadata['observation']>): StandardizedColumn[] | null {
  const { standardization: s, features, lookback } = observation;
  const names = featureColumnNames(features, lookback);
  const groupOf = (name: string) => (name.startsWith('logReturn_t') ? 'logReturn' : name);
  const columns = names.map((name) => {
    const g = s.groups.indexOf(groupOf(name));
    return g < 0 ? null : { name, mean: s.mean[g], std: s.std[g] };
  });
  return columns.every((c) => c !== null) ? (columns as StandardizedColumn[]) : null;
}

function exportManifest(
  experimentDir: string,
  loaded: LoadedModel & { file: string },
  options: ExportOptions,
  files: string[],
  columns: string[] | null,
  policy: 'network' | 'vote',
): ExportManifest {
  const { metadata } = loaded;
  const nActions = metadata.actions.length;
  const second =
    policy === 'vote'
      ? { name: ONNX_NAMES.votes, meaning: 'each action’s vote: the sum of 1 + 2^(rank - members) over the members whose greedy action it is' }
      : { name: ONNX_NAMES.qValues, meaning: 'the Q-value of each action' };
  const outputs: ExportManifest['outputs'] =
    options.format === 'onnx'
      ? [
          { name: ONNX_NAMES.action, dtype: 'int64', shape: ['batch'], meaning: 'the greedy action: an index into positions' },
          { ...second, dtype: 'float32', shape: ['batch', nActions] },
        ]
      : [
          {
            name: 'output',
            dtype: 'float32',
            shape: ['batch', nActions],
            meaning:
              policy === 'vote'
                ? 'weighted near one-hot votes; their argmax is the vote except where a member’s top Q-values lie within about 1e-4'
                : 'the Q-value of each action; the greedy action is the first argmax',
          },
        ];
  return {
    formatVersion: 1,
    product: 'wfo-rl',
    kind: 'policy-export',
    format: options.format,
    files,
    source: {
      experiment: metadata.experiment,
      iteration: metadata.iteration,
      production: options.source === 'production',
      model: relative(experimentDir, loaded.file).split('\\').join('/'),
      step: metadata.step,
      configHash: metadata.configHash,
      dataSha256: metadata.dataSha256,
    },
    exportedBy: { wfo: productVersion() },
    policy,
    input: {
      name: options.format === 'onnx' ? ONNX_NAMES.input : 'observation',
      dtype: 'float32',
      shape: ['batch', metadata.observationDim],
      columns,
    },
    outputs,
    positions: metadata.actions,
    observation: metadata.observation ? { ...metadata.observation, columns: standardizedColumns(metadata.observation) } : null,
    ensemble: metadata.ensemble ?? null,
  };
}

/** The ONNX model's metadata_props: what a user of the file alone needs to feed it and read its action. */
function onnxMetadata(metadata: ModelMetadata, columns: string[] | null, policy: 'network' | 'vote', production: boolean): Array<[string, string]> {
  const observation = metadata.observation;
  const entries: Array<[string, string]> = [
    ['positions', JSON.stringify(metadata.actions)],
    ['observation_columns', JSON.stringify(columns)],
    ['policy', policy],
    ['experiment', metadata.experiment],
    ['iteration', String(metadata.iteration)],
    ['production', String(production)],
    ['step', String(metadata.step)],
    ['config_hash', metadata.configHash],
    ['data_sha256', metadata.dataSha256],
    ['wfo_version', productVersion()],
    ['opset', String(ONNX_OPSET)],
  ];
  if (observation) {
    entries.push(['standardized_columns', JSON.stringify(standardizedColumns(observation))]);
    if (observation.panel) entries.push(['panel', JSON.stringify(observation.panel)]);
  }
  if (metadata.ensemble) entries.push(['ensemble', JSON.stringify(metadata.ensemble)]);
  return entries;
}
