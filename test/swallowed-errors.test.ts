/**
 * A habit the linter cannot check: an error the code catches and drops says why, in a comment on the line or the
 * line above. A catch block that rethrows, logs, returns a message or starts with its own comment handles its error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './helpers/cli.js';

const src = join(repoRoot, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : [],
  );
}

const hasComment = (line: string | undefined) => line !== undefined && /(^\s*(\/\/|\/?\*))|\s\/\/\s/.test(line);
/** The first statement of a catch block that deals with the error rather than dropping it. */
const handles = (line: string | undefined) =>
  line !== undefined && /^\s*(\/\/|throw |return (skip\(|['`]|\{ index: null)|[\w.]*(logger|log)\.\w+\(|[\w.]*\.push\()/.test(line);

/** Each place in src/ where an error is caught and dropped without a word, as file:line and the line. */
function silentCatches(files = sourceFiles(src)): string[] {
  const found: string[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const dropsInCallback = /\.catch\(\(\)\s*=>/.test(line);
      const dropsInBlock = /\bcatch\s*(\(\s*_\w*\s*\)\s*)?\{\s*$/.test(line) && !handles(lines[i + 1]);
      // A .catch inside a longer statement may sit under the comment that opens the statement, a few lines up.
      const above = dropsInCallback ? lines.slice(Math.max(0, i - 4), i) : [lines[i - 1]];
      if ((dropsInCallback || dropsInBlock) && !hasComment(line) && !above.some(hasComment))
        found.push(`${relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

test('every error the sources catch and drop says why', () => {
  expect(silentCatches()).toEqual([]);
});
