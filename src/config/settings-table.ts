import { z } from 'zod';
import { configSchema } from './schema.js';

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
}

/** A row of the table; noDefault for the second form of a two-form section, whose default is the first form's. */
interface Setting {
  key: string;
  node: JsonSchemaNode;
  noDefault?: boolean;
}

/** Every setting of the schema as its dotted key and JSON-schema node, in the schema's order. */
function settings(): Setting[] {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const out: Setting[] = [];
  const walk = (node: JsonSchemaNode, prefix: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (child.properties) walk(child, path);
      else if (child.anyOf?.some((v) => v.properties)) {
        // A section with two forms (features: its settings, or a list): each form gets its rows.
        for (const variant of child.anyOf) {
          if (variant.properties) walk(variant, path);
          else out.push({ key: path, node: { ...variant, description: variant.description ?? child.description }, noDefault: true });
        }
      } else out.push({ key: path, node: child });
    }
  };
  walk(root, '');
  return out;
}

/** The dotted key of every setting (what `--set key=value` may name). */
export function settingKeys(): string[] {
  return [...new Set(settings().map((s) => s.key))];
}

/** The settings table of docs/guide/settings.md, generated from the schema: key, default, allowed values, description. */
export function settingsTable(): string {
  const rows: string[] = ['| setting | default | allowed | description |', '|---|---|---|---|'];
  for (const { key, node, noDefault } of settings()) {
    const shown = noDefault ? '-' : `\`${JSON.stringify(node.default)}\``;
    rows.push(`| \`${key}\` | ${shown} | ${allowed(node)} | ${node.description ?? ''} |`);
  }
  return rows.join('\n');
}

function allowed(node: JsonSchemaNode): string {
  const variants = node.anyOf ?? [node];
  return variants
    .map((v) => {
      if (v.enum) return v.enum.map((e) => `\`${String(e)}\``).join(', ');
      if (v.type === 'null') return '`null`';
      if (v.type === 'array' && v.items?.anyOf) return `list of ${v.items.anyOf.map(entryShape).join(' or ')}`;
      if (v.type === 'array')
        return `list of ${v.items?.enum ? v.items.enum.map((e) => `\`${String(e)}\``).join('/') : describeRange(v.items ?? {})}`;
      return describeRange(v);
    })
    .join(' or ');
}

/** An object entry of a list as `{name: a/b, window?}`. */
function entryShape(v: JsonSchemaNode): string {
  const keys = Object.entries(v.properties ?? {}).map(([k, p]) => (p.enum ? `${k}: ${p.enum.map(String).join('/')}` : k));
  return `\`{${keys.join(', ')}}\``;
}

function describeRange(v: JsonSchemaNode): string {
  const type = v.type === 'integer' ? 'integer' : String(v.type ?? 'value');
  const lo = v.minimum !== undefined && v.minimum > -Number.MAX_SAFE_INTEGER ? v.minimum : undefined;
  const hi = v.maximum !== undefined && v.maximum < Number.MAX_SAFE_INTEGER ? v.maximum : undefined;
  if (lo !== undefined && hi !== undefined) return `${type} ${lo}..${hi}`;
  if (lo !== undefined) return `${type} >= ${lo}`;
  if (hi !== undefined) return `${type} <= ${hi}`;
  return type;
}

export const settingsMarkers = { start: '<!-- settings:start (npm run docs:config) -->', end: '<!-- settings:end -->' };

/** The file that holds the generated table, relative to the repository root. */
export const settingsFile = 'docs/guide/settings.md';

/** The text of the settings page with the generated table between the markers. */
export function withSettingsTable(page: string): string {
  const start = page.indexOf(settingsMarkers.start);
  const end = page.indexOf(settingsMarkers.end);
  if (start < 0 || end < start) throw new Error(`${settingsFile} has no settings markers`);
  return `${page.slice(0, start + settingsMarkers.start.length)}\n${settingsTable()}\n${page.slice(end)}`;
}
