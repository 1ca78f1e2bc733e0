import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/cli.js';

/** parseInstant and Date.parse of each text in a fresh Node whose time zone is `tz` (Node reads TZ at start). */
function parsedIn(tz: string, texts: string[]): Array<{ instant: number | null; dateParse: number | null }> {
  const module = pathToFileURL(join(repoRoot, '.test-dist/util/instant.js')).href;
  const script = `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify(${JSON.stringify(texts)}.map((t) => ({ instant: m.parseInstant(t), dateParse: Date.parse(t) })))))`;
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

const TEXTS = ['2020-01-02', '2020-01-02 10:30', '2020-01-02T10:30:15.5', '2020-01-02T10:30:00+02:00', 'not a date'];
const UTC = [Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 2, 10, 30), Date.UTC(2020, 0, 2, 10, 30, 15, 500), Date.UTC(2020, 0, 2, 8, 30), null];

test.each(['America/New_York', 'Asia/Kolkata', 'UTC'])('parseInstant reads a date without an offset as UTC in %s', (tz) => {
  expect(parsedIn(tz, TEXTS).map((p) => p.instant)).toEqual(UTC);
});

test('Date.parse reads a date with a time in the local zone, which is why the loader and evaluate do not use it', () => {
  expect(parsedIn('America/New_York', ['2020-01-02 10:30'])[0].dateParse).toBe(Date.UTC(2020, 0, 2, 15, 30));
});
