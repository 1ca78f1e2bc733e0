/**
 * The shape of the code, as docs/guide/architecture.md describes it: layers imported only downwards (the table is
 * read from the doc), no cycle between folders, rooms entered only through their index.ts, and the names of the
 * results folder spelled only in store/layout.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { layout } from '../src/store/layout.js';

const src = join(repoRoot, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(folder, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(folder, e.name)] : [],
  );
}

/** Every relative import of a file (static, dynamic, re-export), resolved to the .ts file it names. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => resolve(dirname(file), m[1]).replace(/\.js$/, '.ts'));
}

/** Top-level folder of src/ a file belongs to ('' for src/index.ts). */
const folderOf = (file: string) => (relative(src, file).includes('/') ? relative(src, file).split('/')[0] : '');

/** Folder -> folders it imports from. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    const from = folderOf(file);
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to !== from && from !== '' && to !== '') (graph.get(from) ?? graph.set(from, new Set()).get(from))?.add(to);
    }
  }
  return graph;
}

/** A cycle through the folders as a path ['a', 'b', 'a'], or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys())
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  return null;
}

/** The layer of each folder, from the table under "## Layers" in docs/guide/architecture.md (row order). */
function layersFromDoc(doc: string): Map<string, number> {
  const section = doc.split(/^## Layers$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section.split('\n').filter((l) => /^\|\s*\d+\s*\|/.test(l));
  const layers = new Map<string, number>();
  rows.forEach((row, i) => {
    for (const m of row.split('|')[2].matchAll(/`([a-z]+)\/`/g)) layers.set(m[1], i);
  });
  return layers;
}

/** Imports that go to a later layer than the importing folder's, as 'from -> to (file)'. */
function upwardImports(layers: Map<string, number>): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = folderOf(file);
    if (from === '') continue;
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to !== '' && (layers.get(to) ?? -1) > (layers.get(from) ?? -1)) out.push(`${from} -> ${to} (${relative(src, file)})`);
    }
  }
  return [...new Set(out)];
}

/** Folders of src/ (below src/ itself) that have an index.ts: rooms. */
const rooms = () =>
  sourceFiles(src)
    .filter((f) => f.endsWith('/index.ts') && dirname(f) !== src)
    .map(dirname);

/** Imports from outside a room to a module of it other than its index.ts, as 'file -> target'. */
function pastTheDoor(roomFolders: string[]): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(src)) {
    for (const target of importsOf(file)) {
      for (const room of roomFolders) {
        const inside = (p: string) => p.startsWith(`${room}/`);
        if (inside(target) && !inside(file) && target !== join(room, 'index.ts')) out.push(`${relative(src, file)} -> ${relative(src, target)}`);
      }
    }
  }
  return out;
}

/** Every name layout builds (calling each builder with sample numbers), cut into path parts: what only layout spells. */
function layoutNames(): { exact: Set<string>; prefixes: Set<string> } {
  const values: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') values.push(v);
    else if (typeof v === 'function') {
      // Builders take numbers (iteration, step, seed) or, for the archive, a time.
      const built = (v as (...a: unknown[]) => unknown)(...(v.length === 1 && v.name === 'archive' ? [new Date(0)] : [7, 123, 2]));
      if (typeof built === 'string') values.push(built);
    } else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(layout);
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const part of values.flatMap((v) => v.split('/'))) {
    const numbered = /^([^0-9]*?)\d/.exec(part);
    if (!numbered) exact.add(part);
    else if (numbered[1].length >= 5) prefixes.add(numbered[1]);
  }
  // Words that name a layout folder but also plain things (a TensorBoard run, a phase of the run): not names alone.
  for (const word of ['experiment', 'training']) exact.delete(word);
  return { exact, prefixes };
}

/** String literals of code (not comments, imports or yargs option names) that spell a layout name, as 'file:line: name'. */
function spelledNames(files: string[]): string[] {
  const { exact, prefixes } = layoutNames();
  const out: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(\*|\/\/|\/\*)/.test(line) || /^\s*(import|export) .* from /.test(line) || /\.option\(/.test(line)) return;
        for (const m of line.matchAll(/'([^'\\\n]*)'|`([^`\\]*)`|"([^"\\\n]*)"/g)) {
          const text = m[1] ?? m[2] ?? m[3] ?? '';
          // Prose (a message, a description) may mention a file; a path has no spaces.
          if (/\s/.test(text)) continue;
          // A folder's name alone is also a word (a label, an HTML id): spelled as a path only where a path is joined.
          const alone = (n: string) => text === n && (n.includes('.') || /\b(join|resolve)\(/.test(line));
          const named = [...exact].find((n) => alone(n) || text.startsWith(`${n}/`) || text.endsWith(`/${n}`) || text.includes(`/${n}/`));
          const prefixed = [...prefixes].find((p) => new RegExp(`(^|/)${p}\\$\\{`).test(text));
          if (named ?? prefixed) out.push(`${relative(src, file)}:${i + 1}: ${named ?? prefixed}`);
        }
      });
  }
  return out;
}

describe('the shape of the code', () => {
  const doc = readFileSync(join(repoRoot, 'docs/guide/architecture.md'), 'utf8');
  const layers = layersFromDoc(doc);

  test('the layer table of docs/guide/architecture.md names every folder of src/ once', () => {
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect([...layers.keys()].sort()).toEqual(folders);
  });

  test('every import goes to the same layer or one above it in the table', () => {
    expect(upwardImports(layers)).toEqual([]);
  });

  test('the layer check finds an import that goes up', () => {
    const inverted = new Map([...layers].map(([folder, i]) => [folder, -i]));
    expect(upwardImports(inverted).length).toBeGreaterThan(0);
  });

  test('no import cycle between the folders of src/ (data flows one way)', () => {
    expect(findCycle(folderGraph())).toBeNull();
  });

  test('the cycle finder finds a cycle', () => {
    expect(
      findCycle(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['c'])],
          ['c', new Set(['a'])],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  test('a room (a folder with an index.ts) is entered only through its index.ts', () => {
    const found = rooms();
    expect(found.map((r) => relative(src, r)).sort()).toEqual(
      expect.arrayContaining([
        'errors',
        'records',
        ...['context', 'start', 'seed', 'selection', 'executors', 'run'].map((room) => `walkforward/${room}`),
      ]),
    );
    expect(pastTheDoor(found)).toEqual([]);
  });

  test('the door check finds an import past an index.ts', () => {
    expect(pastTheDoor([join(src, 'agent')]).length).toBeGreaterThan(0);
  });

  test('no file in src/walkforward/ is over 200 lines', () => {
    const long = sourceFiles(join(src, 'walkforward'))
      .map((f) => [relative(src, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 201);
    expect(long).toEqual([]);
  });

  test('only the store names the files of the results folder: no other module spells one (records describe them)', () => {
    const files = sourceFiles(src).filter((f) => !f.endsWith(join('store', 'layout.ts')) && !f.startsWith(join(src, 'records') + '/'));
    expect(spelledNames(files)).toEqual([]);
  });

  test('the name check finds names spelled outside layout', () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'spells.ts');
      writeFileSync(file, "const a = join(root, 'config.json');\nconst b = `checkpoints/model_iter_${n}.zip`;\n// 'run.log' in a comment\n");
      expect(spelledNames([file]).map((l) => l.split(': ')[1])).toEqual(['config.json', 'checkpoints']);
    } finally {
      tmp.cleanup();
    }
  });
});
