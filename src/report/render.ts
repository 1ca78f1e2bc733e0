import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as vl from 'vega-lite';
import { writeFileAtomic } from '../checkpoint/atomic-file.js';

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
export async function toSvg(spec: ChartSpec): Promise<string> {
  const { vega, vl } = await renderers();
  const compiled = vl.compile({ ...spec, config: { ...theme, ...(spec.config ?? {}) } } as ChartSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
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
 * (about 7 ms of a plot's 80). Without DejaVu Sans, the system fonts it is.
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
