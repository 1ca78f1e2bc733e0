#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { PipelineError } from '../errors/index.js';
import { commands } from './commands.js';
import { installSignalHandlers } from './signals.js';

class YargsValidationStop extends Error {}

/** The only place that exits: maps typed errors to exit codes (2 usage/config/input, 1 runtime, 130 interrupted). */
async function main(argv: string[]): Promise<void> {
  let usageError: string | null = null;
  // English whatever the user's locale: messages are part of the interface (tests and scripts match them).
  const parser = yargs(argv).locale('en').scriptName('wfo').usage('$0 <command> [options]');
  for (const command of commands) parser.command(command);
  parser
    .demandCommand(1, 'Name a command; see --help')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 120))
    .fail((message, err) => {
      if (err) throw err;
      usageError = message;
      // Throwing stops yargs here; returning would let it run the command's handler with the invalid arguments.
      throw new YargsValidationStop();
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    if (!(err instanceof YargsValidationStop)) {
      report(err);
      return;
    }
  }
  if (usageError) {
    process.stderr.write(`${await parser.getHelp()}\n\n${usageError}\n`);
    process.exitCode = 2;
  }
}

function report(err: unknown): void {
  if (err instanceof PipelineError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else if (typeof (err as NodeJS.ErrnoException)?.code === 'string' && (err as NodeJS.ErrnoException).syscall) {
    // A file-system refusal nothing above explained: name the path and the cause, without a stack trace.
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(
      `error: ${e.syscall} ${e.path ?? ''}: ${e.code} (${e.message.replace(/^[A-Z]+: /, '')}); check the path and its permissions, then run the same command again\n`,
    );
    process.exitCode = 1;
  } else {
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

installSignalHandlers(
  (code) => process.exit(code),
  (line) => process.stderr.write(`${line}\n`),
);
await main(hideBin(process.argv));
