import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { presets, presetNames } from './presets.js';
import { checkRules } from './rules.js';
import { configSchema, type PipelineConfig } from './schema.js';
import { parseYaml } from './yaml.js';

/** Named command-line flags that map onto config keys. */
export interface ConfigFlags {
  data?: string;
  priceColumn?: string;
  seed?: number;
  resultsDir?: string;
  backend?: string;
  /** The trial ledger (ledger.name). */
  ledger?: string;
}

/** Where settings come from; later sources win: defaults, preset, config file, named flags, --set. */
export interface ConfigSources {
  preset?: string;
  configFile?: string;
  /** Settings already read from a config file (readConfigFile), in the config file's place: a sweep reads its base once. */
  fileSettings?: Record<string, unknown>;
  flags?: ConfigFlags;
  sets?: string[];
}

export interface LoadedConfig {
  config: PipelineConfig;
  warnings: string[];
}

type Plain = Record<string, unknown>;

/** Resolves every source into a validated config, or throws ConfigError listing every problem at once. */
export function loadConfig(sources: ConfigSources = {}): LoadedConfig {
  const problems: string[] = [];
  const layers: Plain[] = [];
  if (sources.preset !== undefined) {
    const preset = presets[sources.preset];
    if (preset) layers.push(preset as Plain);
    else problems.push(`--preset: got "${sources.preset}"; allowed: ${presetNames.join(', ')}`);
  }
  if (sources.configFile) layers.push(readConfigFile(sources.configFile));
  if (sources.fileSettings) layers.push(sources.fileSettings);
  layers.push(flagsToConfig(sources.flags ?? {}));
  for (const assignment of sources.sets ?? []) {
    try {
      layers.push(parseSet(assignment));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const merged = layers.reduce<Plain>((acc, layer) => deepMerge(acc, layer), {});
  const parsed = configSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(formatIssue));
  const { errors, warnings } = checkRules(parsed.data);
  if (errors.length) throw new ConfigError(errors);
  return { config: parsed.data, warnings };
}

/** A config file's settings; `label` is how messages name where the file was given (a flag, or a sweep file's key). */
export function readConfigFile(file: string, label = '--config'): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${label}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  const ext = extname(file).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new ConfigError([`${label}: ${file} must end in .json, .yaml or .yml`]);
  }
  let value: unknown;
  try {
    value = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${label}: ${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`]);
  }
  if (value === null || value === undefined) return {};
  if (!isPlain(value)) throw new ConfigError([`${label}: ${file} must hold an object of settings`]);
  return value;
}

function flagsToConfig(flags: ConfigFlags): Plain {
  const out: Plain = {};
  const data: Plain = {};
  if (flags.data !== undefined) data.path = flags.data;
  if (flags.priceColumn !== undefined) data.priceColumn = flags.priceColumn;
  if (Object.keys(data).length) out.data = data;
  if (flags.seed !== undefined) out.seed = flags.seed;
  if (flags.resultsDir !== undefined) out.resultsDir = flags.resultsDir;
  if (flags.backend !== undefined) out.backend = flags.backend;
  if (flags.ledger !== undefined) out.ledger = { name: flags.ledger };
  return out;
}

/** `windows.train=1000` -> { windows: { train: 1000 } }; the value is read as YAML (numbers, booleans, [lists], null). */
export function parseSet(assignment: string): Plain {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new Error(`--set: got "${assignment}"; expected dotted.key=value, e.g. windows.train=1000`);
  const keys = assignment.slice(0, eq).trim().split('.');
  if (keys.some((k) => k === '')) throw new Error(`--set: "${assignment.slice(0, eq)}" is not a dotted key`);
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = parseYaml(raw);
  } catch {
    // A --set value that is not YAML is taken as the plain string the user typed.
    value = raw;
  }
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Plain;
}

function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isPlain(value) && isPlain(out[key]) ? deepMerge(out[key] as Plain, value) : value;
  }
  return out;
}

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const allowed = Object.keys(shapeAt(issue.path));
    return issue.keys.map((k) => `${issue.path.length ? `${key}.` : ''}${k}: unknown setting; allowed here: ${allowed.join(', ')}`).join('\n  - ');
  }
  const described = describeAt(issue.path);
  const got = 'input' in issue ? `got ${JSON.stringify(issue.input) ?? 'nothing'}; ` : '';
  return `${key}: ${got}${issue.message.replace(/^Invalid input: /, '')}${described ? ` (${described})` : ''}`;
}

function schemaAt(path: PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = configSchema;
  for (const key of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(key)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return undefined;
  }
  return node;
}

function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
  let current = node;
  while (current && 'unwrap' in current && typeof (current as { unwrap?: unknown }).unwrap === 'function') {
    current = (current as unknown as { unwrap(): z.ZodType }).unwrap();
  }
  return current;
}

function shapeAt(path: PropertyKey[]): Record<string, unknown> {
  const node = unwrap(schemaAt(path));
  return node instanceof z.ZodObject ? (node.shape as Record<string, unknown>) : {};
}

function describeAt(path: PropertyKey[]): string | undefined {
  return schemaAt(path)?.description;
}
