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

/** A vega-lite spec as SVG text, rendered by vega without a browser. */
export async function toSvg(spec: ChartSpec): Promise<string> {
  // Loaded on first use: importing the library (e.g. from a notebook) should not load the renderers.
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
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
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
    .render()
    .asPng();
}

export async function writePng(path: string, spec: ChartSpec): Promise<void> {
  await writeFileAtomic(path, await toPng(spec));
}
