import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One Markdown file of the docs, by its path from the repository root. */
export interface DocFile {
  path: string;
  text: string;
}

/** A fenced code block: its info string, its lines (without the fence's indentation) and the sample marker above it. */
export interface Fence {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string[];
  /** `<!-- sample: name -->` on the last non-blank line before the fence, or null. */
  sample: string | null;
}

/** A piece of inline code outside fences, with the line it starts on. */
export interface InlineCode {
  file: string;
  line: number;
  code: string;
}

const FENCE = /^(\s*)(`{3,})\s*([^`\s]*)\s*$/;
const SAMPLE_MARKER = /^\s*<!--\s*sample:\s*([A-Za-z0-9_-]+)\s*-->\s*$/;

/** The docs: README.md, CHANGELOG.md and every Markdown file under docs/, in a stable order. */
export function docFiles(root: string): DocFile[] {
  const found = ['README.md', 'CHANGELOG.md'].filter((f) => existsSync(join(root, f)));
  const walk = (folder: string): string[] =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(folder, e.name)) : e.name.endsWith('.md') ? [join(folder, e.name)] : []));
  if (existsSync(join(root, 'docs'))) found.push(...walk('docs'));
  return found.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/** Every fenced block of a file. An unclosed fence runs to the end of the file, as in CommonMark. */
export function fences(doc: DocFile): Fence[] {
  const lines = doc.text.split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, ticks, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2].length >= ticks.length && close[3] === '') break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? SAMPLE_MARKER.exec(lines[k]) : null;
    out.push({ file: doc.path, line: i + 1, lang, body, sample: marker ? marker[1] : null });
    i = j;
  }
  return out;
}

/** The lines of a file outside fenced blocks, with their 1-based numbers (fence lines themselves left out). */
function proseLines(doc: DocFile): Array<{ line: number; text: string }> {
  const lines = doc.text.split('\n');
  const out: Array<{ line: number; text: string }> = [];
  let fence: string | null = null;
  lines.forEach((text, i) => {
    const m = FENCE.exec(text);
    if (fence === null && m) fence = m[2];
    else if (fence !== null && m && m[2].length >= fence.length && m[3] === '') fence = null;
    else if (fence === null && !SAMPLE_MARKER.test(text)) out.push({ line: i + 1, text });
  });
  return out;
}

/**
 * Inline code spans outside fences. A paragraph's lines are joined first, so a span broken across lines is one span
 * (its line break read as a space, as CommonMark does); a blank line or a table row ends a paragraph.
 */
export function inlineCode(doc: DocFile): InlineCode[] {
  const out: InlineCode[] = [];
  let para: Array<{ line: number; text: string }> = [];
  const flush = () => {
    if (!para.length) return;
    let joined = '';
    const starts: number[] = [];
    for (const p of para) {
      starts.push(joined.length);
      joined += `${p.text}\n`;
    }
    for (const m of joined.matchAll(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g)) {
      const at = m.index ?? 0;
      let row = 0;
      while (row + 1 < starts.length && starts[row + 1] <= at) row++;
      out.push({ file: doc.path, line: para[row].line, code: m[2].replace(/\n/g, ' ').trim() });
    }
    para = [];
  };
  for (const l of proseLines(doc)) {
    if (l.text.trim() === '' || l.text.trimStart().startsWith('|')) {
      flush();
      if (l.text.trim() !== '') {
        para = [l];
        flush();
      }
    } else para.push(l);
  }
  flush();
  return out;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a file's headings (a repeated heading gets -1, -2, ... as on GitHub). */
export function anchors(doc: DocFile): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text } of proseLines(doc)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/**
 * Relative links that lead nowhere: a file that does not exist, or an anchor that no heading of the target makes.
 * Links with a scheme (https:, mailto:) are not followed.
 */
export function brokenLinks(root: string, docs: DocFile[]): string[] {
  const byPath = new Map(docs.map((d) => [d.path, d]));
  const problems: string[] = [];
  for (const doc of docs) {
    for (const { line, text } of proseLines(doc)) {
      const withoutCode = text.replace(/`[^`]*`/g, '');
      for (const m of withoutCode.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [file, anchor] = target.split('#');
        const path = file === '' ? doc.path : relative(root, resolve(root, dirname(doc.path), file));
        if (!existsSync(join(root, path))) {
          problems.push(`${doc.path}:${line}: link ${target}: ${path} does not exist`);
          continue;
        }
        if (anchor === undefined || !path.endsWith('.md')) continue;
        const linked = byPath.get(path) ?? { path, text: readFileSync(join(root, path), 'utf8') };
        if (!anchors(linked).has(anchor)) problems.push(`${doc.path}:${line}: link ${target}: ${path} has no heading #${anchor}`);
      }
    }
  }
  return problems;
}
