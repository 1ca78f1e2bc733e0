import type { ResumeEvent } from '../../records/index.js';
import type { RunContext } from '../context/index.js';

/** The save plan in words, for the start of run.log and the console. */
export function saveLine(ctx: RunContext, root: string): string {
  const p = ctx.plan;
  const count = (every: number) => Math.max(1, Math.floor(p.totalSteps / every));
  return [
    'Save configuration:',
    `  - Model checkpoints: ~${count(p.modelEvery)} saves (every ${p.modelEvery} steps, plus one at the end of each iteration)`,
    `  - Visualizations: ~${count(p.imageEvery)} saves (every ${p.imageEvery} steps)`,
    `  - Progress updates: ~${count(p.progressEvery)} times (every ${p.progressEvery} steps)`,
    `  - All saves in: ${root}/`,
  ].join('\n');
}

/** What a resumed run found finished, and what it was forced past. */
export function resumeLine(resume: ResumeEvent, total: number): string {
  const done = resume.finishedIterations;
  const finished = done.length ? `iterations ${done.join(', ')} of ${total} finished and verified` : `no iteration of ${total} finished yet`;
  const forced = resume.forced ? ` (forced past changes: ${resume.changes.join('; ')})` : '';
  return `resuming: ${finished}${forced}`;
}
