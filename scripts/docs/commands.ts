import { existsSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type CommandModule } from 'yargs';
import { loadConfig } from '../../src/config/load-config.js';
import { settingKeys } from '../../src/config/settings-table.js';
import { ConfigError } from '../../src/errors/index.js';
import { fences, inlineCode, type DocFile } from './markdown.js';

/** A command line the docs show, where it is, and whether it must be complete (a block) or may be a reference (prose). */
export interface DocCommand {
  file: string;
  line: number;
  text: string;
  /** Blocks and sample prompts are run as written: every required flag must be there. Prose may name a command alone. */
  complete: boolean;
}

/** Keys that stand for "a setting" in prose (`--set dotted.key=value`), not for a setting of the schema. */
const PLACEHOLDER_KEYS = new Set(['dotted.key', 'key']);
/** Fence info strings whose lines are shell commands. */
const SHELL = new Set(['sh', 'bash', 'shell']);
/** Inline code that starts like one of these is a command line to check. */
const INLINE_PREFIXES = [/^npm (run|ci|test)\b/, /^wfo /, /^npx (wfo|tsx) /, /^node (\S+ )*\S*cli\/main\.(js|ts)\b/, /^python3? scripts\//];

/** Every command line of the docs: lines of shell blocks, the `$ ` line of each sample, and command-like inline code. */
export function docCommands(docs: DocFile[]): DocCommand[] {
  const out: DocCommand[] = [];
  for (const doc of docs) {
    for (const f of fences(doc)) {
      const isSample = f.body[0]?.startsWith('$ ') ?? false;
      if (!SHELL.has(f.lang) && !isSample) continue;
      const lines = isSample ? [f.body[0]] : f.body;
      let pending = '';
      lines.forEach((raw, i) => {
        const text = pending + raw;
        if (text.endsWith('\\')) {
          pending = `${text.slice(0, -1)} `;
          return;
        }
        pending = '';
        if (text.trim() !== '') out.push({ file: doc.path, line: f.line + 1 + i, text: text.trim(), complete: true });
      });
    }
    for (const c of inlineCode(doc)) {
      const text = c.code.replace(/\[(-[^\]]*)\]/g, '$1').replace(/\s\.\.\.(?=\s|$)/g, '');
      if (INLINE_PREFIXES.some((p) => p.test(text))) out.push({ file: doc.path, line: c.line, text, complete: false });
      else if (/^--set /.test(c.code)) out.push({ file: doc.path, line: c.line, text: c.code, complete: false });
    }
  }
  return out;
}

/** Shell words of a line, with `&&`, `||`, `;` and `|` as separate operators; quotes and backslashes as the shell reads them. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      word = (word ?? '') + line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '#' && word === null) {
      break;
    } else if ('&|;'.includes(c)) {
      if (word !== null) words.push(word);
      word = null;
      const two = line.slice(i, i + 2);
      if (two === '&&' || two === '||') {
        words.push(two);
        i++;
      } else words.push(c);
    } else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** What one simple command of the docs asks for: the wfo command line, an npm script, or a file of the repository. */
type Invocation =
  { kind: 'wfo'; argv: string[] } | { kind: 'script'; name: string } | { kind: 'file'; path: string } | { kind: 'problem'; problem: string };

/** npm scripts that are the `wfo` command line, and the command each one names. */
const CLI_SCRIPTS: Record<string, string[]> = { wfo: [], walkforward: ['walkforward'], windows: ['windows'], cleanup: ['cleanup'] };

function interpret(words: string[], scripts: Record<string, string>): Invocation | null {
  let w = words[0] === '$' ? words.slice(1) : words;
  while (w.length && /^[A-Z_][A-Z0-9_]*=/.test(w[0])) w = w.slice(1);
  const [head, ...rest] = w;
  if (head === 'npm') {
    if (rest[0] !== 'run') return null;
    let i = 1;
    while (rest[i]?.startsWith('-')) i++;
    const name = rest[i];
    if (name === undefined || !(name in scripts)) return { kind: 'problem', problem: `npm run ${name ?? ''}: package.json has no such script` };
    const after = rest.slice(i + 1);
    if (after.length && after[0] !== '--') return { kind: 'problem', problem: `npm run ${name}: arguments for the script go after --` };
    const args = after.slice(1);
    return name in CLI_SCRIPTS ? { kind: 'wfo', argv: [...CLI_SCRIPTS[name], ...args] } : { kind: 'script', name };
  }
  if (head === 'wfo') return { kind: 'wfo', argv: rest };
  if (head === 'npx' && rest[0] === 'wfo') return { kind: 'wfo', argv: rest.slice(1) };
  if ((head === 'npx' && rest[0] === 'tsx') || head === 'node') {
    const args = head === 'npx' ? rest.slice(1) : rest;
    const at = args.findIndex((a) => !a.startsWith('-'));
    if (at >= 0 && /(^|\/)cli\/main\.(js|ts)$/.test(args[at])) return { kind: 'wfo', argv: args.slice(at + 1) };
    return null;
  }
  if ((head === 'python3' || head === 'python' || head === 'bash') && rest[0]?.startsWith('scripts/')) return { kind: 'file', path: rest[0] };
  return null;
}

class ParseStop extends Error {}

/**
 * Why `argv` is not a command line `wfo` accepts, or null: an unknown command, an unknown flag, a value outside a
 * flag's choices, a missing required flag (only when `complete`), and for the commands that resolve a configuration,
 * a `--set` of an unknown key or a setting the schema or its rules refuse.
 */
export function cliProblem(commands: ReadonlyArray<CommandModule<object, object>>, argv: string[], complete: boolean): string | null {
  const help = argv.includes('--help') || argv.includes('-h');
  const args = argv.filter((a) => a !== '--help' && a !== '-h');
  if (!args.length) return help ? null : 'names no command';
  if (/^<.*>$/.test(args[0])) return null;
  const names = commands.map((c) => String(c.command).split(' ')[0]);
  if (!names.includes(args[0])) return `unknown command ${args[0]} (wfo has ${names.join(', ')})`;
  let problem: string | null = null;
  const parser = yargs(args).locale('en').exitProcess(false).strict().help(false).version(false);
  for (const c of commands) parser.command({ ...c, handler: () => undefined });
  parser.fail((message, err) => {
    problem = message ?? err?.message ?? 'refused';
    throw new ParseStop();
  });
  let parsed: Record<string, unknown> = {};
  try {
    parsed = parser.parseSync() as Record<string, unknown>;
  } catch (err) {
    // The fail handler's stop carries the problem; anything else a builder threw is the problem itself.
    if (!(err instanceof ParseStop)) problem = (err as Error).message;
  }
  if (problem !== null) return /^Missing required argument/.test(problem) && (!complete || help) ? null : problem;
  return configProblem(parsed);
}

/** For walkforward and windows: each --set names a setting, and the settings given resolve (no --config to read). */
function configProblem(parsed: Record<string, unknown>): string | null {
  const sets = (parsed.set as string[] | undefined) ?? [];
  if (!('set' in parsed) && !('preset' in parsed)) return null;
  const unknown = setKeyProblems(sets);
  if (unknown.length) return unknown.join('; ');
  if (parsed.config !== undefined) return null;
  try {
    loadConfig({
      preset: parsed.preset as string | undefined,
      flags: {
        data: parsed.data as string | undefined,
        priceColumn: parsed.priceColumn as string | undefined,
        seed: parsed.seed as number | undefined,
        backend: parsed.backend as string | undefined,
      },
      sets,
    });
  } catch (err) {
    if (err instanceof ConfigError) return `the settings do not resolve: ${err.problems.join('; ')}`;
    throw err;
  }
  return null;
}

/** `--set key=value` assignments whose key is not a setting of the schema. */
export function setKeyProblems(sets: string[]): string[] {
  const keys = new Set(settingKeys());
  return sets
    .map((s) => s.slice(0, s.indexOf('=')).trim())
    .filter((k) => !PLACEHOLDER_KEYS.has(k) && !keys.has(k))
    .map((k) => `--set ${k}: no such setting (see docs/guide/settings.md)`);
}

/** Problems of one command line of the docs, each as `file:line: problem (the command)`. */
export function commandProblems(
  cmd: DocCommand,
  options: { commands: ReadonlyArray<CommandModule<object, object>>; scripts: Record<string, string>; root: string },
): string[] {
  const words = shellWords(cmd.text);
  if (words[0] === '--set') {
    const sets = words.flatMap((w, i) => (words[i - 1] === '--set' ? [w] : []));
    return setKeyProblems(sets).map((p) => `${cmd.file}:${cmd.line}: ${p}`);
  }
  const problems: string[] = [];
  const separators = cmd.complete ? new Set(['&&', '||', ';', '|']) : new Set(['&&', '||', ';']);
  const segments: string[][] = [[]];
  for (const w of words) {
    if (separators.has(w)) segments.push([]);
    else segments[segments.length - 1].push(w);
  }
  for (const segment of segments.filter((s) => s.length)) {
    const call = interpret(segment, options.scripts);
    let problem: string | null = null;
    if (call?.kind === 'problem') problem = call.problem;
    else if (call?.kind === 'file' && !existsSync(join(options.root, call.path))) problem = `${call.path} does not exist`;
    else if (call?.kind === 'wfo') problem = cliProblem(options.commands, call.argv, cmd.complete);
    if (problem) problems.push(`${cmd.file}:${cmd.line}: ${problem} (in: ${cmd.text})`);
  }
  return problems;
}
