import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskedCrc32c, readScalars } from '../../../src/logging/tensorboard/index.js';
import { tempDir } from '../../helpers/temp.js';

// Events as other writers produce them, built byte by byte: fields this reader does not know must be skipped.
const varint = (n: bigint): number[] => {
  const out: number[] = [];
  for (let v = BigInt.asUintN(64, n); ; v >>= 7n) {
    if (v < 0x80n) return [...out, Number(v)];
    out.push(Number(v & 0x7fn) | 0x80);
  }
};
const key = (field: number, wire: number) => varint(BigInt(field * 8 + wire));
const bytesField = (field: number, content: number[]) => [...key(field, 2), ...varint(BigInt(content.length)), ...content];
const textField = (field: number, text: string) => bytesField(field, [...Buffer.from(text, 'utf8')]);
const doubleField = (field: number, value: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return [...key(field, 1), ...b];
};
const floatField = (field: number, value: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return [...key(field, 5), ...b];
};
const stepField = (step: bigint) => [...key(2, 0), ...varint(step)];

function frame(payload: number[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(payload.length));
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(Buffer.from(payload)));
  return Buffer.concat([header, Buffer.from(payload), footer]);
}

let folder: { dir: string; cleanup: () => void };
beforeEach(() => {
  folder = tempDir('wfo-tb-read-');
});
afterEach(() => folder.cleanup());

test.each<[string, number[], { tag: string; step: number; value: number }[]]>([
  [
    'header with source_metadata (field 10)',
    [...doubleField(1, 5), ...textField(3, 'brain.Event:2'), ...bytesField(10, textField(1, 'other.writer'))],
    [],
  ],
  [
    'value with metadata (field 9) and node_name (field 7)',
    [
      ...doubleField(1, 6),
      ...stepField(3n),
      ...bytesField(5, bytesField(1, [...textField(7, 'n'), ...textField(1, 't'), ...bytesField(9, textField(2, 'shown')), ...floatField(2, 2.5)])),
    ],
    [{ tag: 't', step: 3, value: 2.5 }],
  ],
  [
    'an image value next to a scalar: only the scalar',
    [
      ...doubleField(1, 7),
      ...stepField(4n),
      ...bytesField(5, [
        ...bytesField(1, [...textField(1, 'img'), ...bytesField(4, [1, 2, 3])]),
        ...bytesField(1, [...textField(1, 's'), ...floatField(2, -1)]),
      ]),
    ],
    [{ tag: 's', step: 4, value: -1 }],
  ],
  [
    'a negative step (ten-byte varint)',
    [...doubleField(1, 8), ...stepField(-1n), ...bytesField(5, bytesField(1, [...textField(1, 'neg'), ...floatField(2, 0.5)]))],
    [{ tag: 'neg', step: -1, value: 0.5 }],
  ],
])('reads %s', async (_name, event, expected) => {
  writeFileSync(join(folder.dir, 'events.out.tfevents.1.other'), frame(event));
  expect((await readScalars(folder.dir)).map(({ tag, step, value }) => ({ tag, step, value }))).toEqual(expected);
});

test('files in name order, only those whose name holds tfevents', async () => {
  const scalar = (wall: number, tag: string) =>
    frame([...doubleField(1, wall), ...stepField(1n), ...bytesField(5, bytesField(1, [...textField(1, tag), ...floatField(2, 1)]))]);
  writeFileSync(join(folder.dir, 'events.out.tfevents.2.b'), scalar(2, 'second'));
  writeFileSync(join(folder.dir, 'events.out.tfevents.1.a'), scalar(1, 'first'));
  writeFileSync(join(folder.dir, 'notes.txt'), scalar(3, 'ignored'));
  expect((await readScalars(folder.dir)).map((p) => [p.tag, p.wallTime])).toEqual([
    ['first', 1],
    ['second', 2],
  ]);
});

test('a record whose CRCs hold but whose payload is not a message is corrupt, with file and offset', async () => {
  const file = join(folder.dir, 'events.out.tfevents.1.x');
  const good = frame([...doubleField(1, 1), ...textField(3, 'brain.Event:2')]);
  writeFileSync(file, Buffer.concat([good, frame([...key(5, 2), 50, 1, 2])]));
  await expect(readScalars(folder.dir)).rejects.toMatchObject({
    name: 'TensorBoardCorruptError',
    file,
    offset: good.length,
    message: expect.stringMatching(/does not decode/),
  });
});
