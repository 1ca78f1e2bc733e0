/**
 * Checks the docs (README.md, CHANGELOG.md, docs/**): every command line they show names a real command, script or
 * file and only flags that command accepts, every `--set` a real setting, every relative link a file and heading that
 * exist, and every sample output equals what `npm run docs:samples` makes now (that part runs the command line on one
 * small experiment; `--no-samples` skips it). Exit 1 with one line per problem.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../src/cli/commands.js';
import { commandProblems, docCommands } from './docs/commands.js';
import { brokenLinks, docFiles } from './docs/markdown.js';
import { generateSamples, sampleProblems } from './docs/samples.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const docs = docFiles(root);
const found = docCommands(docs);
const problems = found.flatMap((c) => commandProblems(c, { commands, scripts, root }));
problems.push(...brokenLinks(root, docs));
if (!process.argv.includes('--no-samples')) {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const samples = await generateSamples({ cli: [process.execPath, '--import', tsx, join(root, 'src/cli/main.ts')], root });
  problems.push(...sampleProblems(docs, samples));
}
for (const p of problems) process.stderr.write(`${p}\n`);
process.stdout.write(`${docs.length} files, ${found.length} command lines checked: ${problems.length} problem(s)\n`);
process.exitCode = problems.length ? 1 : 0;
