import { readFileSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TensorBoardWriter, crc32c, maskCrc, readScalars } from '../../../src/logging/tensorboard/index.js';
import { tempDir } from '../../helpers/temp.js';
import { bitwiseCrc32c, decodeFile, masked, type Decoded } from '../../helpers/tensorboard-decoder.js';

const START = 1_700_000_000;

/** A clock that moves 250 ms per reading and remembers what it returned. */
function testClock(): { now: () => number; readings: number[] } {
  const readings: number[] = [];
  return {
    readings,
    now: () => {
      const t = START * 1000 + readings.length * 250;
      readings.push(t);
      return t;
    },
  };
}

let folder: { dir: string; cleanup: () => void };
beforeEach(() => {
  folder = tempDir('wfo-tb-');
});
afterEach(() => folder.cleanup());

const only = (dir: string) => join(dir, readdirSync(dir)[0]);
const stepsOf = (events: Decoded[], tag: string) => events.flatMap((e) => (e.values.some(([t]) => t === tag) ? [e.step] : []));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function writeSteps(dir: string, steps: number[], startSeconds = START): Promise<boolean[]> {
  const writer = await TensorBoardWriter.open(dir, { startSeconds, flushIntervalMs: 0 });
  const written = steps.map((step) => writer.scalar('loss', step, step / 4));
  await writer.close();
  return written;
}

describe('CRC32C', () => {
  test('the standard check value of "123456789" is 0xE3069283, from the library and from a bitwise loop', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32c(bytes)).toBe(0xe3069283);
    expect(bitwiseCrc32c(bytes)).toBe(0xe3069283);
  });

  test('masking rotates right by 15 and adds 0xa282ead8: 0xE3069283 -> 0xC78AB0E5', () => {
    expect(maskCrc(0xe3069283)).toBe(0xc78ab0e5);
    expect(masked(0xe3069283)).toBe(0xc78ab0e5);
  });
});

type Write = { step: number; values: Record<string, number> };
const manyTags = Object.fromEntries(range(1, 20).map((i) => [`metrics/tag_${i}`, i * 1.5]));

describe('event file contents, checked by an independent decoder', () => {
  test.each<[string, Write[]]>([
    ['one scalar', [{ step: 1, values: { 'train/episode_reward': 12.5 } }]],
    ['several tags in one event', [{ step: 3, values: { 'train/loss': 0.25, 'train/epsilon': 0.1, 'val/score': -3.75 } }]],
    [
      'step 0 and a step past 2^32',
      [
        { step: 0, values: { a: 1 } },
        { step: 2 ** 40 + 7, values: { a: 2 } },
      ],
    ],
    ['values rounded to float32', [{ step: 1, values: { q: 0.1, big: 1e39, tiny: 1e-40 } }]],
    ['non-finite values kept', [{ step: 1, values: { nan: NaN, inf: Infinity, neg: -Infinity } }]],
    ['unicode tag and a tag over 127 bytes', [{ step: 2, values: { 'équité/Δ': 1, ['x'.repeat(200)]: 2 } }]],
    ['a summary over 127 bytes', [{ step: 9, values: manyTags }]],
  ])('%s', async (_name, writes) => {
    const clock = testClock();
    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START, now: clock.now });
    for (const { step, values } of writes) expect(writer.scalars(step, values)).toBe(Object.keys(values).length);
    await writer.close();

    expect(readdirSync(folder.dir)).toEqual([`events.out.tfevents.${START}.wfo`]);
    const [header, ...events] = decodeFile(only(folder.dir));
    expect(header).toMatchObject({ fileVersion: 'brain.Event:2', wallTime: clock.readings[0] / 1000, values: [] });
    expect(events.map(({ step, values }) => ({ step, values }))).toEqual(
      writes.map(({ step, values }) => ({ step, values: Object.entries(values).map(([t, v]) => [t, Math.fround(v)]) })),
    );
    expect(events.map((e) => e.wallTime)).toEqual(clock.readings.slice(1).map((t) => t / 1000));
  });

  test('the library reader returns what the independent decoder finds', async () => {
    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START, now: testClock().now });
    for (const step of range(1, 50)) writer.scalars(step, { loss: 1 / step, reward: step * 3 });
    await writer.close();
    const expected = decodeFile(only(folder.dir)).flatMap((e) =>
      e.values.map(([tag, value]) => ({ tag, step: e.step, value, wallTime: e.wallTime })),
    );
    expect(expected).toHaveLength(100);
    expect(await readScalars(folder.dir)).toEqual(expected);
  });
});

describe('resuming', () => {
  test('steps 1..10, then 5..15 after reopening: each step once, one file, one header', async () => {
    expect(await writeSteps(folder.dir, range(1, 10))).toEqual(range(1, 10).map(() => true));
    const second = await writeSteps(folder.dir, range(5, 15), START + 3600);
    expect(second).toEqual(range(5, 15).map((step) => step > 10));

    expect(readdirSync(folder.dir)).toEqual([`events.out.tfevents.${START}.wfo`]);
    const events = decodeFile(only(folder.dir));
    expect(events.filter((e) => e.fileVersion !== undefined)).toHaveLength(1);
    expect(stepsOf(events, 'loss')).toEqual(range(1, 15));
    expect(events.slice(1).map((e) => e.values)).toEqual(range(1, 15).map((s) => [['loss', s / 4]]));
  });

  test('a tag new after the resume is written at a step the old tags already have', async () => {
    await writeSteps(folder.dir, range(1, 10));
    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START });
    expect(writer.lastStep('loss')).toBe(10);
    expect(writer.scalars(7, { loss: 99, 'test/sharpe': 1.25 })).toBe(1);
    await writer.close();
    expect(decodeFile(only(folder.dir)).at(-1)).toMatchObject({ step: 7, values: [['test/sharpe', 1.25]] });
  });

  test('a step at or below the last one of its tag is skipped within a run too', async () => {
    expect(await writeSteps(folder.dir, [1, 3, 3, 2, 4])).toEqual([true, true, false, false, true]);
    expect(stepsOf(decodeFile(only(folder.dir)), 'loss')).toEqual([1, 3, 4]);
  });
});

describe('torn tail', () => {
  // How many bytes of the last record survive the cut, as a function of that record's size.
  test.each<[string, (size: number) => number]>([
    ['all but the last byte', (size) => size - 1],
    ['no payload CRC', (size) => size - 4],
    ['the header and part of the payload', () => 15],
    ['only the header', () => 12],
    ['part of the header', () => 5],
  ])('%s of the last record: complete records stay, appending goes on, the file decodes', async (_name, keep) => {
    await writeSteps(folder.dir, range(1, 10));
    const file = only(folder.dir);
    const before = decodeFile(file);
    const last = before.at(-1)!;
    truncateSync(file, last.offset + keep(last.size));
    expect(() => decodeFile(file)).toThrow(/partial/);

    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START, flushIntervalMs: 0 });
    expect(statSync(file).size).toBe(last.offset);
    expect(writer.lastStep('loss')).toBe(9);
    for (const step of range(10, 12)) expect(writer.scalar('loss', step, step / 4)).toBe(true);
    await writer.close();

    const after = decodeFile(file);
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
    expect(stepsOf(after, 'loss')).toEqual(range(1, 12));
  });

  test('a file cut inside its first record gets a fresh header', async () => {
    await writeSteps(folder.dir, []);
    truncateSync(only(folder.dir), 7);
    await writeSteps(folder.dir, [1, 2]);
    const events = decodeFile(only(folder.dir));
    expect(events.map((e) => e.fileVersion)).toEqual(['brain.Event:2', undefined, undefined]);
  });

  test('the reader ignores a torn tail unless strict, then names file and offset', async () => {
    await writeSteps(folder.dir, range(1, 3));
    const file = only(folder.dir);
    const last = decodeFile(file).at(-1)!;
    truncateSync(file, last.offset + 10);
    expect((await readScalars(folder.dir)).map((p) => p.step)).toEqual([1, 2]);
    await expect(readScalars(folder.dir, { strict: true })).rejects.toMatchObject({ name: 'TensorBoardCorruptError', file, offset: last.offset });
  });
});

describe('corruption', () => {
  // Which byte of the second scalar record to flip, relative to that record's start.
  test.each<[string, (size: number) => number, RegExp]>([
    ['length', () => 0, /length CRC/],
    ['length CRC', () => 9, /length CRC/],
    ['payload', () => 14, /payload CRC/],
    ['payload CRC', (size) => size - 1, /payload CRC/],
  ])(
    'a flipped bit in the %s: the reader names file and offset; the writer keeps the records before it and goes on',
    async (_name, where, problem) => {
      await writeSteps(folder.dir, range(1, 5));
      const file = only(folder.dir);
      const before = decodeFile(file);
      const target = before[2];
      const bytes = readFileSync(file);
      bytes[target.offset + where(target.size)] ^= 0x10;
      writeFileSync(file, bytes);

      await expect(readScalars(folder.dir)).rejects.toMatchObject({
        name: 'TensorBoardCorruptError',
        file,
        offset: target.offset,
        message: expect.stringMatching(problem),
      });
      const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START, flushIntervalMs: 0 });
      expect(writer.damaged).toEqual([
        {
          file,
          offset: target.offset,
          problem: expect.stringMatching(problem),
          goodRecords: 2,
          droppedBytes: bytes.length - target.offset,
          own: true,
        },
      ]);
      expect(statSync(file).size).toBe(target.offset);
      expect(writer.lastStep('loss')).toBe(1);
      for (const step of range(2, 6)) expect(writer.scalar('loss', step, step / 4)).toBe(true);
      await writer.close();

      const after = decodeFile(file);
      expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
      expect(stepsOf(after, 'loss')).toEqual(range(1, 6));
      const again = await TensorBoardWriter.open(folder.dir, { startSeconds: START });
      expect(again.damaged).toEqual([]);
      await again.close();
    },
  );

  test('a link bearing our file name is refused, never followed: the file it points to stays as it was', async () => {
    const outside = tempDir('wfo-tb-outside-');
    try {
      await writeSteps(outside.dir, range(1, 3));
      const target = only(outside.dir);
      const bytes = readFileSync(target);
      bytes[bytes.length - 2] ^= 0x10;
      writeFileSync(target, bytes);
      symlinkSync(target, join(folder.dir, 'events.out.tfevents.1.wfo'));
      const link = join(folder.dir, 'events.out.tfevents.1.wfo');
      await expect(TensorBoardWriter.open(folder.dir, { startSeconds: START, flushIntervalMs: 0 })).rejects.toThrow(
        `refusing to write ${link}: it is a symbolic link`,
      );
      expect(readFileSync(target)).toEqual(bytes);
    } finally {
      outside.cleanup();
    }
  });
});

describe('buffering', () => {
  async function until(condition: () => boolean): Promise<void> {
    for (let waited = 0; !condition(); waited += 10) {
      if (waited > 5000) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test('nothing is appended before flushEvery events, all of them once it is reached', async () => {
    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START, flushEvery: 3, flushIntervalMs: 0 });
    const file = writer.file;
    writer.scalar('a', 1, 1);
    writer.scalar('a', 2, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(decodeFile(file)).toHaveLength(1);
    writer.scalar('a', 3, 3);
    await until(() => decodeFile(file).length === 4);
    await writer.close();
  });

  test('the timer appends a lone event without flush or close', async () => {
    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START, flushIntervalMs: 30 });
    writer.scalar('a', 1, 1);
    expect(decodeFile(writer.file)).toHaveLength(1);
    await until(() => decodeFile(writer.file).length === 2);
    await writer.close();
  });

  test('close appends what is buffered; using the writer afterwards throws', async () => {
    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START, flushIntervalMs: 0 });
    writer.scalars(1, { a: 1, b: 2 });
    await writer.close();
    await writer.close();
    expect(stepsOf(decodeFile(writer.file), 'b')).toEqual([1]);
    expect(() => writer.scalar('a', 2, 1)).toThrow(/closed/);
  });
});

describe('arguments', () => {
  test.each([[-1], [1.5], [NaN], [2 ** 53]])('step %p is refused', async (step) => {
    const writer = await TensorBoardWriter.open(folder.dir, { startSeconds: START });
    expect(() => writer.scalar('a', step, 1)).toThrow(RangeError);
    await writer.close();
  });

  test.each([[-5], [1.5]])('startSeconds %p is refused', async (startSeconds) => {
    await expect(TensorBoardWriter.open(folder.dir, { startSeconds })).rejects.toThrow(RangeError);
  });
});
