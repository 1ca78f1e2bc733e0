import { join } from 'node:path';
import { readRunLog } from '../../src/logging/run-log.js';
import { collect, runCli, startCli, waitForOutput } from './cli.js';
import { resultsFingerprint } from './fingerprint.js';

/**
 * SIGKILLs a run of experiment `id` at its first committed training checkpoint (WFO_HOLD keeps it there until the
 * kill lands), runs the same command again, and gives what the resumed run reports: its exit, the iterations its
 * log says it resumed, and its results' fingerprint.
 */
export async function killAtCheckpointAndResume(args: string[], resultsDir: string, id: string) {
  const child = startCli(args, { env: { WFO_TRACE: '1', WFO_HOLD: 'training-checkpoint' }, compiled: true });
  const closed = collect(child);
  await waitForOutput(child, /trace phase=checkpoint-write iteration=1 step=\d+/);
  await new Promise((r) => setTimeout(r, 1000));
  child.kill('SIGKILL');
  const killed = await closed;
  const resumed = await runCli(args);
  const log = await readRunLog(join(resultsDir, id, 'run.log'));
  return {
    signal: killed.signal,
    exit: { code: resumed.code, stderr: resumed.stderr },
    resumedIterations: log.filter((l) => l.event === 'resume').map((l) => l.iteration),
    fingerprint: await resultsFingerprint(join(resultsDir, id)),
  };
}
