import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from './helpers/cli.js';

const src = join(repoRoot, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : [],
  );
}

/** Top-level folder of src/ a file belongs to ('' for src/index.ts). */
const folderOf = (file: string) => (relative(src, file).includes('/') ? relative(src, file).split('/')[0] : '');

/** Folder -> folders it imports from (static and dynamic relative imports). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    const from = folderOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = folderOf(resolve(dirname(file), m[1]));
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

describe('the shape of the code', () => {
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

  test('only the store touches the results layout: no other module spells a file name of the experiment folder', () => {
    const spelled =
      /['`](?:checkpoints\/|iterations\/)|model_iter_|metrics_iter_|no_model_iter_|model_step_|curr_best_model|checkpoint_index\.json'|cleanup_journal/;
    const offenders = sourceFiles(src).filter(
      (f) =>
        !f.endsWith(join('store', 'layout.ts')) &&
        readFileSync(f, 'utf8')
          .split('\n')
          .some((line) => !/^\s*(\*|\/\/|\/\*\*)/.test(line) && spelled.test(line)),
    );
    expect(offenders.map((f) => relative(repoRoot, f))).toEqual([]);
  });
});
