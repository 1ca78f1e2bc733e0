/**
 * The hostile-input table's harness: each case damages a copy of one small finished experiment (or the command
 * line), runs the real command or library function, and the table asserts the exit code, a message naming the file
 * or value, no stack trace, that nothing outside the results folder changed and that nothing was lost.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { PipelineError } from '../../src/errors/index.js';
import { loadConfig } from '../../src/config/load-config.js';

export const ID = 'e1';
const peakRss = resolve('test/hostile/peak-rss.mjs');

export interface Case {
  dir: string;
  results: string;
  root: string;
  configFile: string;
  at: (p: string) => string;
  /** Run after the case, pass or fail (servers a row started, files it made read-only). */
  cleanups: Array<() => void | Promise<void>>;
}
export interface Outcome {
  code: number | null;
  out: string;
  rssMiB?: number;
}
export interface Row {
  name: string;
  /** The issue whose numbered item the row covers. */
  issue: number;
  item: number;
  setup?: (c: Case) => void | Promise<void>;
  run: (c: Case) => Promise<Outcome>;
  code: number;
  /** The message must name the file (or id, or value) at fault. */
  message: RegExp;
  /** Paths under the experiment that may change or go (everything else of the finished experiment must stay byte-identical). */
  mayChange?: string[];
  maxRssMiB?: number;
  check?: (c: Case, r: Outcome) => void | Promise<void>;
  /** A reason to skip, printed (e.g. no read-only bind mount here). */
  skip?: () => string | null;
}

/** The finished experiment every case copies; filled by the table's beforeAll. */
export const base = { dir: '', results: '', data: '', config: {} as Record<string, unknown> };

export function makeCase(): Case {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-hostile-'));
  const results = join(dir, 'results');
  cpSync(base.results, results, { recursive: true });
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'victim.txt'), 'must stay');
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ ...base.config, resultsDir: results }));
  const root = join(results, ID);
  return { dir, results, root, configFile, at: (p) => join(root, p), cleanups: [] };
}

export function walk(folder: string, top = folder): string[] {
  if (!existsSync(folder)) return [];
  const out: string[] = [];
  for (const e of readdirSync(folder, { withFileTypes: true })) {
    const p = join(folder, e.name);
    if (e.isDirectory()) out.push(...walk(p, top));
    else out.push(relative(top, p));
  }
  return out.sort();
}

export const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Every entry of the case folder outside results/, with its hash where it is a file: must not change. */
export function outsideFingerprint(dir: string): string[] {
  return walk(dir)
    .filter((f) => !f.startsWith('results/') && f !== 'results')
    .map((f) => {
      const info = statSync(join(dir, f), { throwIfNoEntry: false });
      return `${f} ${info?.isFile() ? sha(join(dir, f)) : info ? 'not-a-file' : 'dangling'}`;
    });
}

/** A library call as an outcome: a PipelineError's exit code and message, anything else exit 1 with its stack. */
export async function lib(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    const value = await fn();
    return { code: 0, out: JSON.stringify(value) };
  } catch (err) {
    return {
      code: err instanceof PipelineError ? err.exitCode : 1,
      out: `${(err as Error).message}\n${err instanceof PipelineError ? '' : (err as Error).stack}`,
    };
  }
}

/** The compiled CLI run to its end, with its peak RSS. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const r = await runCli(args, { env: { NODE_OPTIONS: `--import=${peakRss}`, ...env } });
  const rss = /peak-rss-mib (\d+)/.exec(r.stderr);
  return { code: r.code, out: `${r.stdout}\n${r.stderr}`, rssMiB: rss ? Number(rss[1]) : undefined };
}

export const at = (c: Case) => ['--experiment', ID, '--results-dir', c.results];
export const runConfig = (c: Case, extra: Record<string, unknown> = {}) => loadConfig({ configFile: c.configFile, ...extra }).config;
export const editJson = (path: string, edit: (j: Record<string, unknown>) => void) => {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
};

export function canBindReadOnly(): string | null {
  const probe = mkdtempSync(join(tmpdir(), 'wfo-ro-probe-'));
  mkdirSync(join(probe, 'a'));
  mkdirSync(join(probe, 'b'));
  const ok =
    spawnSync('mount', ['--bind', join(probe, 'a'), join(probe, 'b')]).status === 0 &&
    spawnSync('mount', ['-o', 'remount,bind,ro', join(probe, 'b')]).status === 0;
  spawnSync('umount', [join(probe, 'b')]);
  rmSync(probe, { recursive: true, force: true });
  return ok ? null : 'a read-only bind mount needs mount privileges this machine does not give';
}
export const canChattr = (): string | null => (spawnSync('chattr', ['--help']).error ? 'chattr is not installed here' : null);
