import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as vl from 'vega-lite';
import { writeFileAtomic } from '../store/atomic-file.js';

export type ChartSpec = vl.TopLevelSpec;

const theme = {
  font: 'DejaVu Sans, Arial, sans-serif',
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  title: { fontSize: 14, anchor: 'start' as const },
};

let loading: Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite') }> | null = null;

/**
 * The renderers, loaded on first use: importing the library (e.g. from a notebook) should not load them. One after
 * the other: they share modules, and loading both at once made jest's module loader fail the first plot.
 */
function renderers() {
  loading ??= (async () => {
    const vega = await import('vega');
    const vl = await import('vega-lite');
    return { vega, vl };
  })().catch((err: Error) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** A vega-lite spec as SVG text, rendered by vega without a browser. */
async function toSvg(spec: ChartSpec): Promise<string> {
  const { skeleton, datasets, title } = separateData(spec);
  const key = JSON.stringify(skeleton);
  let template = templates.get(key);
  if (!template) {
    const { vega, vl } = await renderers();
    const compiled = vl.compile({ ...skeleton, config: { ...theme, ...(skeleton.config ?? {}) } } as ChartSpec).spec;
    template = { view: new vega.View(vega.parse(compiled), { renderer: 'none' }), turn: Promise.resolve() };
    if (templates.size >= MAX_TEMPLATES) forgetChartTemplates();
    templates.set(key, template);
  }
  const { view } = template;
  const render = template.turn.then(async () => {
    for (const [name, values] of Object.entries(datasets)) view.data(name, values);
    if (title !== undefined) view.signal(TITLE_SIGNAL, title);
    // A kept view keeps its last layout unless told to fit its new axis labels and title again.
    view.resize();
    await view.runAsync();
    return view.toSVG();
  });
  template.turn = render.then(
    () => undefined,
    () => {
      // A view that failed mid-run is not reused.
      if (templates.get(key) === template) templates.delete(key);
      view.finalize();
    },
  );
  return render;
}

/** Compiling a vega-lite spec and building its vega view took half of vega's time per plot and most of the
 * compiler work of the threads that draw; the views are kept, a few dozen at most. */
const MAX_TEMPLATES = 32;
const TITLE_SIGNAL = 'chart_title';
const templates = new Map<string, { view: import('vega').View; turn: Promise<void> }>();

/** Lets go of the kept vega views (they are rebuilt on the next plot). */
export function forgetChartTemplates(): void {
  for (const t of templates.values()) void t.turn.then(() => t.view.finalize());
  templates.clear();
}

/**
 * A spec without its data: every inline `data.values` becomes a named dataset and a plain-text title becomes a
 * signal, so plots of the same shape (every training snapshot, every iteration) share one compiled vega view.
 */
function separateData(spec: ChartSpec): { skeleton: ChartSpec; datasets: Record<string, unknown[]>; title?: string } {
  const datasets: Record<string, unknown[]> = {};
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'data' && v && typeof v === 'object' && Array.isArray((v as { values?: unknown }).values)) {
        const name = `data_values_${Object.keys(datasets).length}`;
        datasets[name] = (v as { values: unknown[] }).values;
        out[k] = { name };
      } else out[k] = strip(v);
    }
    return out;
  };
  const skeleton = strip(spec) as ChartSpec & { title?: unknown; params?: unknown[] };
  if (typeof spec.title !== 'string') return { skeleton, datasets };
  skeleton.title = { text: { expr: TITLE_SIGNAL } };
  skeleton.params = [...(skeleton.params ?? []), { name: TITLE_SIGNAL, value: '' }];
  return { skeleton, datasets, title: spec.title };
}

/** A vega-lite spec as PNG bytes (vega -> SVG -> resvg), at twice the spec's size for sharp text. */
export async function toPng(spec: ChartSpec): Promise<Buffer> {
  const svg = await toSvg(spec);
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: fontOptions() }).render().asPng();
}

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', join(homedir(), '.local/share/fonts'), join(homedir(), '.fonts')];
const CHART_FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'];
let fonts: { loadSystemFonts: boolean; fontFiles?: string[]; defaultFontFamily: string } | null = null;

/**
 * The charts' font files, looked up once: letting resvg load the system fonts scans every font file on every plot
 * (about 7 ms a plot). Without DejaVu Sans, the system fonts it is.
 */
function fontOptions() {
  if (!fonts) {
    const found = new Map<string, string>();
    for (const dir of FONT_DIRS) {
      try {
        for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
          const name = entry.split('/').at(-1) as string;
          if (CHART_FONT_FILES.includes(name) && !found.has(name)) found.set(name, join(dir, entry));
        }
      } catch {
        // A font folder that is not there.
      }
    }
    fonts = found.has('DejaVuSans.ttf')
      ? { loadSystemFonts: false, fontFiles: [...found.values()], defaultFontFamily: 'DejaVu Sans' }
      : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' };
  }
  return fonts;
}

export async function writePng(path: string, spec: ChartSpec): Promise<void> {
  await writeFileAtomic(path, await toPng(spec));
}
