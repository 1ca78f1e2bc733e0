import { lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { entryKind } from '../util/regular-file.js';

/**
 * What is wrong with `wfo synth --out`, before anything is drawn: a missing folder, a folder, anything but a regular
 * file at the path, or an `<out>.json` that is not a sidecar synth wrote.
 */
export function outProblems(out: string): string[] {
  if (out.trim() === '') return ['--out: got an empty path; expected a file path such as data/synthetic.csv'];
  const folder = dirname(resolve(out));
  const at = (path: string) => {
    try {
      return lstatSync(path);
    } catch {
      // Nothing at the path (or no way to look): the writer's own checks name what is wrong when it writes.
      return null;
    }
  };
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    return [`--out ${out}: the folder ${folder} does not exist; expected a file path in an existing folder`];
  const target = at(out);
  if (target?.isDirectory()) return [`--out ${out}: is a folder; expected a file path such as ${out}/synthetic.csv`];
  // Only a regular file the user named is overwritten; a device, FIFO, socket or link is never replaced or written through.
  if (target && !target.isFile()) return [`--out ${out}: it is ${entryKind(target)}, not a regular file; choose another --out`];
  const sidecar = at(`${out}.json`);
  if (sidecar && !sidecar.isFile())
    return [`--out ${out}: its sidecar ${out}.json is ${entryKind(sidecar)}, not a regular file; choose another --out`];
  if (sidecar && !(sidecar.size < 2 ** 20 && isSidecar(`${out}.json`)))
    return [`--out ${out}: ${out}.json exists and is not a sidecar synth wrote; move it away or choose another --out`];
  return [];
}

/** Whether an existing <out>.json is a sidecar of an earlier synth (which a new one may replace), not someone's file. */
function isSidecar(path: string): boolean {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { generator?: unknown; csv?: { file?: unknown } };
    return typeof json.generator === 'object' && json.generator !== null && typeof json.csv?.file === 'string';
  } catch {
    // A companion that is not our JSON is not ours to replace; the caller refuses it.
    return false;
  }
}
