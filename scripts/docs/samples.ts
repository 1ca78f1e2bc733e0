import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fences, type DocFile } from './markdown.js';

/**
 * The sample outputs of the docs, made by running the real command line: one small walk-forward run (the first
 * sample) into a temporary results folder, then each reading command on it. What differs between machines and runs
 * (times, durations, pids, hosts, speeds, the temporary folder) is replaced by fixed placeholders, so the same code
 * gives the same text anywhere; a test compares the docs with a fresh generation.
 */

/** The small run every experiment sample reads: the quick preset on one thread, no plots. */
export const SAMPLE_RUN = [
  'walkforward',
  '--experiment',
  'quick',
  '--preset',
  'quick',
  '--seed',
  '1',
  '--backend',
  'wasm',
  '--no-charts',
  '--workers',
  '1',
  '--quiet',
];

interface SampleSpec {
  /** The name in the docs' `<!-- sample: name -->` marker. */
  name: string;
  /** The command after `wfo`, as the docs show it (paths under /tmp/ are run under a fresh temporary folder). */
  argv: string[];
  /** Reads or writes the sample experiment: runs with --results-dir of the temporary results folder. */
  experiment: boolean;
}

const SPECS: SampleSpec[] = [
  { name: 'walkforward', argv: SAMPLE_RUN, experiment: true },
  { name: 'windows', argv: ['windows', '--preset', 'quick'], experiment: false },
  { name: 'status', argv: ['status', '--experiment', 'quick'], experiment: true },
  { name: 'logs', argv: ['logs', '--experiment', 'quick', '--iteration', '2', '--event', 'evaluation'], experiment: true },
  { name: 'list', argv: ['list', '--experiment', 'quick'], experiment: true },
  { name: 'analyze', argv: ['analyze', '--experiment', 'quick'], experiment: true },
  { name: 'cleanup', argv: ['cleanup', '--experiment', 'quick', '--keep-last', '1', '--no-keep-best', '--dry-run'], experiment: true },
  { name: 'verify', argv: ['verify', '--experiment', 'quick'], experiment: true },
  { name: 'synth', argv: ['synth', '--kind', 'ar1', '--phi', '0.2', '--bars', '4000', '--seed', '1', '--out', '/tmp/ar1.csv'], experiment: false },
  {
    name: 'synth-panel',
    argv: ['synth', '--kind', 'ou', '--symbols', '5', '--bars', '2000', '--seed', '1', '--out', '/tmp/panel.csv'],
    experiment: false,
  },
];

export const sampleNames = SPECS.map((s) => s.name);

/** The prompt line of a sample: the npm script a user types for the command, with npm's banner silenced. */
export function shownCommand(argv: string[]): string {
  const [command, ...rest] = argv;
  const script = ['walkforward', 'windows', 'cleanup'].includes(command) ? command : 'wfo';
  const args = script === 'wfo' ? argv : rest;
  return `$ npm run -s ${script} -- ${args.join(' ')}`;
}

/** Placeholders for what differs between machines and runs, applied in order. */
const NORMALIZE: Array<[RegExp, string]> = [
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, 'YYYY-MM-DDThh:mm:ss.sssZ'],
  [/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/g, 'YYYY-MM-DD hh:mm:ss'],
  [/\[\d{2}:\d{2}:\d{2}(\.\d+)?\]/g, '[hh:mm:ss]'],
  [/\bin \d+(\.\d+)?s\b/g, 'in <t>s'],
  [/\b\d+[hms](\d+[ms])? ago\b/g, '<age> ago'],
  [/\bpid \d+ on \S+/g, 'pid <pid> on <host>'],
  [/\b\d+ steps\/s\b/g, '<n> steps/s'],
  [/\b\d+(\.\d+)? ms\b/g, '<ms> ms'],
];

/** `<size>` padded to the width of what it replaces, so the columns of a table stay aligned. */
const sizePlaceholder = (_m: string, before: string, size: string) => `${before}${'<size>'.padEnd(size.length)}`;

/**
 * Sizes that depend on timings written into the files (run.log, and the records of an iteration without a model,
 * which keep their durations): one placeholder each. A model zip's size depends only on what it computed.
 */
const SIZES: Record<string, Array<[RegExp, (m: string, ...groups: string[]) => string]>> = {
  list: [
    [/^(\d+\s+placeholder\s+\S+\s+\S+\s+\S+\s+)(\d+(?:\.\d)? (?:B|KiB|MiB)\s*)/gm, sizePlaceholder],
    [/\d+(?:\.\d)? (?:B|KiB|MiB) on disk/g, () => '<size> on disk'],
  ],
};

export function normalize(name: string, text: string, tmp: string): string {
  let out = text.split(`${tmp}/results`).join('results').split(tmp).join('/tmp');
  for (const [pattern, placeholder] of NORMALIZE) out = out.replace(pattern, placeholder);
  for (const [pattern, replace] of SIZES[name] ?? []) out = out.replace(pattern, replace);
  return out
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}

export interface SampleOptions {
  /** How to start the command line: the node executable and its arguments before the command (tsx or a built copy). */
  cli: string[];
  /** The repository root: the working folder of every command (the bundled data path is relative to it). */
  root: string;
}

/** Runs every sample command in order and returns each sample's text: the prompt line, then what the command printed. */
export async function generateSamples(options: SampleOptions): Promise<Map<string, string>> {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'wfo-docs-')));
  const env: NodeJS.ProcessEnv = { FORCE_COLOR: '0', NO_COLOR: '1' };
  // Only the variables a child needs: none of the project's own (WFO_*), which would change what a command does.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WFO_') && !k.startsWith('npm_') && env[k] === undefined) env[k] = v;
  try {
    const samples = new Map<string, string>();
    for (const spec of SPECS) {
      const args = spec.argv.map((a) => (a.startsWith('/tmp/') ? `${tmp}/${a.slice(5)}` : a));
      if (spec.experiment) args.push('--results-dir', join(tmp, 'results'));
      const result = await run(options.cli, args, options.root, env);
      if (result.code !== 0) {
        throw new Error(`sample ${spec.name}: ${shownCommand(spec.argv)} exited ${result.code}:\n${result.stderr || result.stdout}`);
      }
      const printed = normalize(spec.name, `${result.stdout}${result.stderr}`, tmp);
      samples.set(spec.name, `${shownCommand(spec.argv)}\n${printed}`);
    }
    return samples;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function run(cli: string[], args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(cli[0], [...cli.slice(1), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const MARKED_BLOCK = /(<!--\s*sample:\s*([A-Za-z0-9_-]+)\s*-->\s*\n```[^\n]*\n)([\s\S]*?)(\n?```)/g;

/** A doc's text with every marked block's content replaced by its generated sample; unknown names are left and reported. */
export function withSamples(doc: DocFile, samples: Map<string, string>): { text: string; problems: string[] } {
  const problems: string[] = [];
  const text = doc.text.replace(MARKED_BLOCK, (whole, open: string, name: string, _body: string, close: string) => {
    const sample = samples.get(name);
    if (sample === undefined) {
      problems.push(`${doc.path}: sample ${name} is not one that npm run docs:samples makes (${sampleNames.join(', ')})`);
      return whole;
    }
    return `${open}${sample}\n${close.replace(/^\n/, '')}`;
  });
  return { text, problems };
}

/**
 * What is wrong with the samples of the docs: a block whose first line is a `$ ` prompt without a sample marker, a
 * marker of an unknown name, a generated sample no doc shows, and a marked block that differs from its generation.
 */
export function sampleProblems(docs: DocFile[], samples: Map<string, string>): string[] {
  const problems: string[] = [];
  const shown = new Set<string>();
  for (const doc of docs) {
    for (const f of fences(doc)) {
      if (f.sample === null) {
        if (f.body[0]?.startsWith('$ ')) problems.push(`${doc.path}:${f.line}: an output block with no <!-- sample: name --> marker above it`);
        continue;
      }
      shown.add(f.sample);
      const sample = samples.get(f.sample);
      if (sample === undefined) problems.push(`${doc.path}:${f.line}: sample ${f.sample} is not one that npm run docs:samples makes`);
      else if (f.body.join('\n').trimEnd() !== sample) problems.push(`${doc.path}:${f.line}: sample ${f.sample} is stale; run npm run docs:samples`);
    }
  }
  for (const name of samples.keys()) if (!shown.has(name)) problems.push(`sample ${name} is made but no doc shows it`);
  return problems;
}
