import type { BackendInfo } from '../../backend/select-backend.js';
import { tf } from '../../backend/tf.js';
import { rowContent } from '../../data/row-content.js';
import type { PipelineConfig } from '../../config/schema.js';
import type { ExperimentPlan } from '../../plan/plan.js';
import { FORMAT_VERSION, runConfigSchema, type ResumeEvent, type RunConfigRecord } from '../../records/index.js';
import { writeJson } from '../../store/json-file.js';
import type { ExperimentPaths } from '../../store/layout.js';
import { productInfo } from '../../util/version.js';

/** config.json: what the run computes with (config and its hash, seed, data file and sha256) and on what (backend, versions). */
export interface RunConfigFacts {
  experiment: string;
  config: PipelineConfig;
  seed: number;
  configHash: string;
  plan: ExperimentPlan;
  backend: BackendInfo;
  versions: Record<string, string>;
  createdAt: string;
  resumes: ResumeEvent[];
}

export async function writeRunConfig(paths: ExperimentPaths, f: RunConfigFacts): Promise<void> {
  const { series } = f.plan;
  await writeJson(paths.config, runConfigSchema, {
    formatVersion: FORMAT_VERSION,
    experiment: f.experiment,
    seed: f.seed,
    configHash: f.configHash,
    config: f.config as unknown as Record<string, unknown>,
    data: {
      file: series.file,
      sha256: series.sha256,
      rows: series.rows,
      priceColumn: series.priceColumn,
      // A panel run trades every instrument it selected: it names them all, and no single traded symbol.
      ...(series.panel ? { panel: series.panel.map((i) => i.symbol) } : { symbol: series.symbol }),
      content: rowContent(series),
    },
    featureGate: f.plan.gate,
    ...incompleteWindows(f.plan),
    backend: { name: f.backend.name, tfBackend: f.backend.tfBackend, tfjsVersion: f.backend.tfjsVersion },
    versions: f.versions,
    createdAt: f.createdAt,
    resumes: f.resumes,
  });
}

/** The versions a run records: this package's, Node's and TensorFlow.js's. */
export function versionsInUse(): Record<string, string> {
  const { name, version } = productInfo();
  return { [name]: version, node: process.version, tfjs: tf.version.tfjs };
}

/** The windows that leave an instrument out or fill bars of the traded one, when any does. */
function incompleteWindows(plan: ExperimentPlan): { coverage?: RunConfigRecord['coverage'] } {
  const coverage = plan.coverage
    .filter((c) => c.leftOut.length || c.filled)
    .map(({ iteration, leftOut, filled }) => ({ iteration, leftOut, filled }));
  return coverage.length ? { coverage } : {};
}
