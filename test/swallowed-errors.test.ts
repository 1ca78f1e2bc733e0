/**
 * A habit the linter cannot check: an error the code catches and drops says why, in a comment on the line or the
 * line above. A catch block that rethrows, logs, returns a message, starts with its own comment or looks at the error
 * it binds handles its error.
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

/** Whether the catch block opened on line `at` mentions the error it binds as `name` (its braces counted). */
function usesError(lines: string[], at: number, name: string): boolean {
  let depth = 0;
  for (let i = at; i < lines.length; i++) {
    const text = i === at ? lines[i].slice(lines[i].lastIndexOf('{')) : lines[i];
    if (i > at && new RegExp(`\\b${name}\\b`).test(text)) return true;
    depth += (text.match(/\{/g) ?? []).length - (text.match(/\}/g) ?? []).length;
    if (depth <= 0) return false;
  }
  return false;
}

/** Each line of `text` where an error is caught and dropped without a word, as its number and the line. */
function silentCatchesIn(text: string): string[] {
  const lines = text.split('\n');
  const found: string[] = [];
  lines.forEach((line, i) => {
    const dropsInCallback = /\.catch\(\(\)\s*=>/.test(line);
    const block = /\bcatch\s*(?:\(\s*(\w+)\s*\)\s*)?\{\s*$/.exec(line);
    const dropsInBlock = block !== null && !handles(lines[i + 1]) && !(block[1] && usesError(lines, i, block[1]));
    // A .catch inside a longer statement may sit under the comment that opens the statement, a few lines up.
    const above = dropsInCallback ? lines.slice(Math.max(0, i - 4), i) : [lines[i - 1]];
    if ((dropsInCallback || dropsInBlock) && !hasComment(line) && !above.some(hasComment)) found.push(`${i + 1}: ${line.trim()}`);
  });
  return found;
}

test('every error the sources catch and drop says why', () => {
  const found = sourceFiles(src).flatMap((file) => silentCatchesIn(readFileSync(file, 'utf8')).map((at) => `${relative(repoRoot, file)}:${at}`));
  expect(found).toEqual([]);
});

test('the check finds a dropped error without a reason, and accepts one with a reason or a handler', () => {
  const silent = [
    'const a = await readFile(p).catch(() => null);',
    'try {',
    '  x();',
    '} catch (err) {',
    '  return null;',
    '}',
    'try {',
    '  y();',
    '} catch (err) {',
    '  if (gone(err)) return null;',
    '}',
  ].join('\n');
  expect(silentCatchesIn(silent)).toEqual(['1: const a = await readFile(p).catch(() => null);', '4: } catch (err) {']);
  const explained = [
    '// Not there yet: none.',
    'const a = await readFile(p).catch(() => null);',
    'try {',
    '  x();',
    '} catch {',
    '  throw new UsageError("bad");',
    '}',
  ].join('\n');
  expect(silentCatchesIn(explained)).toEqual([]);
});
