import type { ExperimentStatus } from './status.js';

/** The status as a few lines for a terminal. */
export function formatStatus(s: ExperimentStatus): string {
  const fmt = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
  const lines = [`experiment ${s.experiment} (${s.root}): ${s.state}`];
  if (s.holder) lines.push(`  holder      pid ${s.holder.pid} on ${s.holder.host}, since ${s.holder.startedAt}`);
  lines.push(`  iterations  ${s.iterationsDone} of ${s.iterations ?? '?'} finished`);
  for (const a of s.active) {
    const seed = a.seeds > 1 ? ` seed ${a.seed + 1} of ${a.seeds},` : '';
    lines.push(
      `  ${a.iteration === 0 ? 'production model' : `iteration ${a.iteration}`} ${seed} step ${a.step} of ${a.timesteps}, ${fmt(a.stepsPerSecond, 0)} steps/s`,
    );
  }
  if (s.stepsDone !== null && s.totalSteps)
    lines.push(`  steps       ${s.stepsDone} of ${s.totalSteps} in all (${((100 * s.stepsDone) / s.totalSteps).toFixed(0)}%)`);
  if (s.state === 'running')
    lines.push(`  speed       ${fmt(s.stepsPerSecond, 0)} steps/s, ETA ${s.etaSeconds === null ? 'n/a' : duration(s.etaSeconds)}`);
  if (s.lastCheckpoint)
    lines.push(`  checkpoint  ${s.lastCheckpoint.file} (step ${s.lastCheckpoint.step ?? 'n/a'}), ${duration(s.lastCheckpoint.ageSeconds)} ago`);
  if (s.lastEvaluation) {
    const e = s.lastEvaluation;
    lines.push(
      `  validation  ${e.metric} ${fmt(e.score)} at ${e.iteration === 0 ? 'the production model' : `iteration ${e.iteration}`}${e.seed === null ? '' : `, seed ${e.seed}`}, step ${e.step}${e.newBest ? ' (new best)' : ''}`,
    );
  }
  const earlier = s.warningCount - s.warnings.length;
  lines.push(`  warnings    ${s.warningCount ? (earlier > 0 ? `${s.warningCount}, the newest ${s.warnings.length}:` : '') : 'none'}`);
  for (const w of s.warnings) lines.push(`    ${w.time.slice(11, 19)} ${w.msg}`);
  if (s.ended)
    lines.push(
      `  ended       ${s.ended.time.slice(0, 19).replace('T', ' ')}: ${s.ended.event}${s.ended.event === 'run-failed' ? ` (${s.ended.msg})` : ''}`,
    );
  else if (s.state === 'killed') lines.push('  ended       without an end line and no process holds the lock: killed or crashed');
  else if (s.state === 'stopped') lines.push(`  ended       run.log does not say how (it holds no run-start line) and no process holds the lock`);
  if (s.rerun) lines.push(`  rerun       ${s.rerun.text}`);
  for (const p of s.problems) lines.push(`  problem     ${p}`);
  return lines.join('\n');
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
