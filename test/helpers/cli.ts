import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
const sourceEntry = resolve(repoRoot, 'src/cli/main.ts');
/** The CLI compiled by test/global-setup.js for this test run. */
const compiledEntry = resolve(repoRoot, '.test-dist/cli/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the real `wfo` command line as a child process: from the TypeScript sources through tsx, whose pace the
 * tests that signal or kill a child mid-run time their moments to, or with `compiled` from the copy that
 * test/global-setup.js built (where a test holds the run at its moment with WFO_HOLD, the pace does not matter).
 */
export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; compiled?: boolean } = {}): ChildProcess {
  const command = options.compiled ? [compiledEntry, ...args] : ['--import', 'tsx', sourceEntry, ...args];
  return spawn(process.execPath, command, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to its end, compiled for this test run (test/global-setup.js): the same code without tsx's start-up. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const child = startCli(args, { ...options, compiled: true });
  return collect(child);
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** Resolves when a line matching `pattern` appears on the child's stderr or stdout. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${pattern}; output so far:\n${buffer.slice(-2000)}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        cleanup();
        resolvePromise(line);
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`process exited before ${pattern}; output:\n${buffer.slice(-2000)}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('close', onClose);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('close', onClose);
  });
}
