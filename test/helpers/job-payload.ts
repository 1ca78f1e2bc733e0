import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { iterationJobId, JOB_FORMAT_VERSION } from '../../src/cluster/jobs.js';
import { productVersion } from '../../src/util/version.js';
import type { PipelineConfig } from '../../src/config/schema.js';
import { savePlan } from '../../src/plan/save-plan.js';

/**
 * A job payload as a coordinator of `experiment` would queue it for `iteration` (paths absolute), with the config
 * hash and data hash its config.json records, and `configOver` laid over the config: a forged job when it is not
 * empty (`recordedIn`: another experiment folder of the same config, to forge a job before the coordinator starts).
 * Returns the payload and the job id the coordinator would use.
 */
export function payloadFor(
  config: PipelineConfig,
  experiment: string,
  iteration: number,
  options: { configOver?: Record<string, unknown>; over?: Record<string, unknown>; iterations?: number; recordedIn?: string } = {},
) {
  const root = join(config.resultsDir, experiment);
  const recorded = JSON.parse(readFileSync(join(options.recordedIn ?? root, 'config.json'), 'utf8')) as {
    configHash: string;
    seed: number;
    data: { sha256: string };
  };
  const c = {
    ...config,
    resultsDir: resolve(config.resultsDir),
    data: { ...config.data, path: resolve(config.data.path) },
    ...options.configOver,
  } as PipelineConfig;
  const configHash = recorded.configHash;
  return {
    id: iterationJobId(root, configHash, iteration),
    payload: {
      formatVersion: JOB_FORMAT_VERSION,
      productVersion: productVersion(),
      experiment,
      configHash,
      iteration,
      warmStart: c.training.warmStart,
      resumeFrom: null,
      nonce: '0123456789abcdef'.repeat(2),
      setup: {
        experiment,
        config: c,
        seed: recorded.seed,
        configHash,
        metadata: { formatVersion: 1, experiment, configHash, dataSha256: recorded.data.sha256, versions: {} },
        plan: savePlan(c, options.iterations ?? 4),
        runId: 'forged',
        logLevel: 'info',
        charts: false,
      },
      ...options.over,
    },
  };
}
