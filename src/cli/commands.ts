import type { CommandModule } from 'yargs';
import { windowsCommand } from './commands/windows.js';
import { checkFeaturesCommand } from './commands/check-features.js';
import { walkforwardCommand } from './commands/walkforward.js';
import { verifyCommand } from './commands/verify.js';
import { listCommand } from './commands/list.js';
import { cleanupCommand } from './commands/cleanup.js';
import { analyzeCommand } from './commands/analyze.js';
import { experimentsCommand } from './commands/experiments.js';
import { evaluateCommand } from './commands/evaluate.js';
import { actCommand } from './commands/act.js';
import { exportCommand } from './commands/export.js';
import { reportCommand } from './commands/report.js';
import { synthCommand } from './commands/synth.js';
import { statusCommand } from './commands/status.js';
import { logsCommand } from './commands/logs.js';
import { workerCommand } from './commands/worker.js';
import { sweepCommand } from './commands/sweep.js';
import { ledgerCommand } from './commands/ledger.js';

/**
 * Every command of `wfo`, in the order `--help` lists them: main.ts registers these, and the docs check
 * (scripts/docs/commands.ts) parses each command the docs show against the same definitions.
 */
export const commands = [
  walkforwardCommand,
  windowsCommand,
  checkFeaturesCommand,
  listCommand,
  analyzeCommand,
  ledgerCommand,
  cleanupCommand,
  verifyCommand,
  evaluateCommand,
  actCommand,
  exportCommand,
  reportCommand,
  experimentsCommand,
  synthCommand,
  statusCommand,
  logsCommand,
  workerCommand,
  sweepCommand,
] as unknown as ReadonlyArray<CommandModule<object, object>>;
