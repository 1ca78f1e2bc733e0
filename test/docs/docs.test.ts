import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../../src/cli/commands.js';
import { commandProblems, docCommands, type DocCommand } from '../../scripts/docs/commands.js';
import { brokenLinks, docFiles } from '../../scripts/docs/markdown.js';
import { generateSamples, sampleNames, sampleProblems } from '../../scripts/docs/samples.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * The docs (README.md, CHANGELOG.md, docs/**) against the program: every command line they show is one `wfo`
 * accepts, every link leads somewhere, and every sample output is what the command prints now (regenerated from one
 * small run of the compiled CLI; `npm run docs:samples` writes them, `npm run docs:check` runs the same checks).
 */
const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const docs = docFiles(repoRoot);
const check = (cmd: DocCommand) => commandProblems(cmd, { commands, scripts, root: repoRoot });

describe('the docs', () => {
  test('show only commands, flags, scripts, files and settings that exist', () => {
    const found = docCommands(docs);
    expect(found.length).toBeGreaterThan(50);
    expect(found.map((c) => c.file)).toEqual(expect.arrayContaining(['README.md', 'docs/guide/cluster.md', 'docs/algorithms/linear.md']));
    expect(found.flatMap(check)).toEqual([]);
  });

  test('the check finds a command that is wrong', () => {
    const wrong: Array<[string, boolean, RegExp]> = [
      ['npm run wfo -- list --experiment 1003 --bogus', false, /Unknown argument: bogus/],
      ['npm run wfo -- lst --experiment 1003', false, /unknown command lst/],
      ['npm run walkforward -- --experiment x --set agent.nope=1', true, /--set agent\.nope: no such setting/],
      ['npm run walkforward -- --experiment x --set selection.ensemble=vote', true, /do not resolve: selection\.ensemble/],
      ['npm run walkforward -- --experiment x --backend gpu', true, /Invalid values/],
      ['npm run wfo -- status', true, /Missing required argument: experiment/],
      ['npm run nothere', false, /no such script/],
      ['npm run wfo list --experiment 1003', false, /go after --/],
      ['python3 scripts/nothere.py', true, /does not exist/],
      ['--set agent.bogus=1', false, /no such setting/],
    ];
    for (const [text, complete, problem] of wrong) expect(check({ file: 'f.md', line: 1, text, complete }).join('\n')).toMatch(problem);
    // Prose may name a command without its required flags; a block is run as written.
    expect(check({ file: 'f.md', line: 1, text: 'wfo status', complete: false })).toEqual([]);
  });

  test('link only to files and headings that exist', () => {
    expect(brokenLinks(repoRoot, docs)).toEqual([]);
  });

  test('every sample output is what the command prints now (npm run docs:samples)', async () => {
    const samples = await generateSamples({ cli: [process.execPath, join(repoRoot, '.test-dist/cli/main.js')], root: repoRoot });
    expect([...samples.keys()]).toEqual(sampleNames);
    expect(sampleProblems(docs, samples)).toEqual([]);
  });
});
