import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { stageFile } from '../store/atomic-file.js';
import { refuseNonRegular } from '../util/regular-file.js';

/** What a sidecar says of the CSV beside it. */
export interface CsvFacts {
  file: string;
  sha256: string;
  columns: string[];
}

const HINT = 'choose another --out';

/** The sidecar's path for a CSV path. */
export function sidecarPath(csvPath: string): string {
  return `${csvPath}.json`;
}

/** Refuses a CSV path or sidecar path that is not a regular file (a device, FIFO, socket, link or folder), before anything is drawn. */
export async function refuseOutputs(csvPath: string): Promise<void> {
  await refuseNonRegular(csvPath, HINT);
  await refuseNonRegular(sidecarPath(csvPath), HINT);
}

/**
 * Streams `chunks` to the CSV's temporary file, builds the sidecar from what was written (its name, sha256 and header),
 * then commits both: both files are complete under their temporary names before either is renamed into place, and
 * when the sidecar cannot be committed the CSV just committed goes too, so a failure leaves nothing.
 */
export async function commitCsvAndSidecar<T>(
  csvPath: string,
  chunks: Iterable<string>,
  sidecarOf: (csv: CsvFacts) => { data: T; text: string },
): Promise<T> {
  const hash = createHash('sha256');
  let header = '';
  const csv = await stageFile(
    csvPath,
    async (handle) => {
      for (const chunk of chunks) {
        header ||= chunk.slice(0, chunk.indexOf('\n'));
        hash.update(chunk);
        await handle.write(chunk);
      }
    },
    { hint: HINT },
  );
  try {
    const { data, text } = sidecarOf({ file: basename(csvPath), sha256: hash.digest('hex'), columns: header.split(',') });
    const staged = await stageFile(sidecarPath(csvPath), (handle) => handle.writeFile(text), { hint: HINT });
    await csv.commit().catch(async (err) => {
      await staged.discard();
      throw err;
    });
    // The CSV is ours now: without its sidecar it must not stay.
    await staged.commit().catch(async (err) => {
      await rm(csvPath, { force: true });
      throw err;
    });
    return data;
  } finally {
    await csv.discard();
  }
}
