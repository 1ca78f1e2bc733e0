import type { CrossSection } from '../env/panel-spaces.js';
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import { CheckpointCorruptError } from '../errors/index.js';
import { selectBackend } from '../backend/select-backend.js';
import { memberWeightsOf } from '../agent/ensemble.js';
import { concatFloat32 } from '../agent/state.js';
import type { FeaturesConfig } from '../config/schema.js';
import type { Standardization } from '../data/features.js';
import { METADATA_ENTRY, readZip, writeZip } from './zip-store.js';

export const MODEL_ENTRY = 'model.json';
export const WEIGHTS_ENTRY = 'weights.bin';

/** What every model zip says about itself. */
export interface ModelMetadata {
  formatVersion: 1;
  kind: 'model' | 'training';
  experiment: string;
  iteration: number;
  step: number;
  observationDim: number;
  actions: number[];
  metrics: Record<string, unknown>;
  configHash: string;
  dataSha256: string;
  backend: string;
  versions: Record<string, string>;
  /** How observations are built, so the model can be run on any data: feature settings and the
   * standardization fitted on its window's training rows. */
  observation?: {
    lookback: number;
    features: FeaturesConfig;
    standardization: Standardization;
    /**
     * A panel's model: the instruments it was fitted on, each one's standardization and weight (standardization is the
     * first's), and how observations see the universe (crossSection absent: none, as before it existed).
     */
    panel?: {
      symbols: string[];
      weights: number[];
      standardizations: Standardization[];
      portfolioFeatures: boolean;
      marketFeatures: boolean;
      crossSection?: CrossSection;
    };
  };
  /** The training seed of a per-seed file (training.seeds >= 2); absent: seed 0. */
  seed?: number;
  /** Present when the model is a majority vote of seeds' bests (selection.ensemble=vote). */
  ensemble?: EnsembleMetadata;
}

/** What a vote model says of its members; member k's rank breaks ties (agent/ensemble.ts). */
export interface EnsembleMetadata {
  rule: 'vote';
  hidden: number[];
  members: Array<{ seed: number; step: number; score: number | null; rank: number }>;
}

/**
 * Models reach disk through one door: a tfjs IOHandler whose save() writes model.json, weights.bin and
 * metadata.json into a verified zip, committed atomically.
 */
export async function saveModelZip(
  path: string,
  model: TF.LayersModel,
  metadata: ModelMetadata,
  extraEntries: Record<string, Uint8Array> = {},
  options: { store?: boolean } = {},
): Promise<{ sha256: string; size: number }> {
  return writeModelZip(path, await modelSnapshot(model), metadata, extraEntries, options);
}

/** A model's topology and weights as they are now, detached from it: later training does not change them. */
export interface ModelSnapshot {
  modelJson: Uint8Array;
  weights: Uint8Array;
}

/** Takes a model's snapshot in memory (tfjs encodes a fresh copy of the weights); no file is touched. */
export async function modelSnapshot(model: TF.LayersModel): Promise<ModelSnapshot> {
  let snapshot: ModelSnapshot | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_ENTRY], weights: artifacts.weightSpecs ?? [] }],
      };
      const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
      snapshot = { modelJson: Buffer.from(JSON.stringify(modelJson)), weights };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  if (!snapshot) throw new Error('the model save handler did not run');
  return snapshot;
}

/**
 * Snapshots of one network taken again and again (an iteration's current bests). Its model.json never changes, so
 * tfjs encodes it once; later snapshots copy the weight arrays straight into weights.bin, in tfjs's order and byte
 * layout. The first snapshot checks that the copy equals tfjs's own encoding and keeps using tfjs if it does not.
 */
export class NetworkSnapshots {
  private modelJson: Uint8Array | null = null;

  constructor(
    private readonly exportModel: () => TF.LayersModel,
    private readonly weights: () => Float32Array[],
  ) {}

  async take(): Promise<ModelSnapshot> {
    if (this.modelJson) return { modelJson: this.modelJson, weights: concatFloats(this.weights()) };
    const encoded = await modelSnapshot(this.exportModel());
    if (Buffer.compare(encoded.weights, concatFloats(this.weights())) === 0) this.modelJson = encoded.modelJson;
    return encoded;
  }
}

function concatFloats(arrays: Float32Array[]): Uint8Array {
  return new Uint8Array(concatFloat32(arrays).buffer);
}

/** Writes a model snapshot with its metadata as a verified zip, committed atomically. */
export function writeModelZip(
  path: string,
  snapshot: ModelSnapshot,
  metadata: ModelMetadata,
  extraEntries: Record<string, Uint8Array> = {},
  options: { store?: boolean } = {},
): Promise<{ sha256: string; size: number }> {
  return writeZip(
    path,
    {
      [MODEL_ENTRY]: snapshot.modelJson,
      [WEIGHTS_ENTRY]: snapshot.weights,
      [METADATA_ENTRY]: Buffer.from(JSON.stringify(metadata, null, 1)),
      ...extraEntries,
    },
    options,
  );
}

export interface LoadedModel {
  model: TF.LayersModel;
  metadata: ModelMetadata;
  /** Weights in layer order, as flat arrays. */
  weights: Float32Array[];
  /** A vote model's members' Q-network weights (metadata.ensemble lists them in the same order); null for one network. */
  members: Float32Array[][] | null;
}

/** The vote of a vote model (members' weights and tie-break ranks), null for one network. */
export function voteOf(loaded: Pick<LoadedModel, 'members' | 'metadata'>): { members: Float32Array[][]; ranks: number[] } | null {
  const ensemble = loaded.metadata.ensemble;
  return ensemble && loaded.members ? { members: loaded.members, ranks: ensemble.members.map((m) => m.rank) } : null;
}

/** Loads and verifies a model zip: manifest hashes, then weights whose size must match the topology. */
export async function loadModelZip(path: string): Promise<LoadedModel> {
  await selectBackend('auto');
  const entries = await readZip(path, [MODEL_ENTRY, WEIGHTS_ENTRY, METADATA_ENTRY]);
  const parse = <T>(name: string): T => {
    try {
      return JSON.parse(entries[name].toString('utf8')) as T;
    } catch {
      throw new CheckpointCorruptError(path, `entry ${name} is not valid JSON`);
    }
  };
  const modelJson = parse<{ modelTopology: object; weightsManifest: Array<{ weights: TF.io.WeightsManifestEntry[] }> }>(MODEL_ENTRY);
  const metadata = parse<ModelMetadata>(METADATA_ENTRY);
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const expectedBytes = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const weightBytes = entries[WEIGHTS_ENTRY];
  if (weightBytes.byteLength !== expectedBytes) {
    throw new CheckpointCorruptError(path, `weights.bin has ${weightBytes.byteLength} bytes; the model needs ${expectedBytes}`);
  }
  const buffer = weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: buffer }));
  const weights: Float32Array[] = [];
  let offset = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    weights.push(new Float32Array(buffer.slice(offset, offset + n * 4)));
    offset += n * 4;
  }
  const members = metadata.ensemble
    ? memberWeightsOf(
        specs.map((s) => s.name),
        weights,
        metadata.ensemble.members.length,
      )
    : null;
  return { model, metadata, weights, members };
}
