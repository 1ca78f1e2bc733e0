/**
 * Regenerates every sample output of the docs (the blocks marked `<!-- sample: name -->`) by running the command line
 * on one small experiment in a temporary folder: `npm run docs:samples`. test/docs/docs.test.ts fails when a doc
 * differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docFiles } from './docs/markdown.js';
import { generateSamples, sampleProblems, withSamples } from './docs/samples.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const samples = await generateSamples({ cli: [process.execPath, '--import', tsx, join(root, 'src/cli/main.ts')], root });
const problems: string[] = [];
for (const doc of docFiles(root)) {
  const updated = withSamples(doc, samples);
  problems.push(...updated.problems);
  if (updated.text !== doc.text) {
    writeFileSync(join(root, doc.path), updated.text);
    process.stdout.write(`${doc.path}: samples regenerated\n`);
  }
}
problems.push(...sampleProblems(docFiles(root), samples));
for (const p of problems) process.stderr.write(`${p}\n`);
process.exitCode = problems.length ? 1 : 0;
