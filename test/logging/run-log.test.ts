import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSkipped, scanRunLog, type SkippedLines } from '../../src/logging/run-log.js';
import type { LogRecord } from '../../src/logging/logger.js';
import { tempDir } from '../helpers/temp.js';

const { dir, cleanup } = tempDir('wfo-run-log-');
afterAll(cleanup);

const line = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level: 30, time: 1_700_000_000_000 + n, msg: `line ${n}`, ...extra });

async function scan(name: string, text: string, maxLineBytes?: number): Promise<{ msgs: string[]; lines: number; skipped: SkippedLines }> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const records: LogRecord[] = [];
  const reading = await scanRunLog(file, (r) => void records.push(r), { maxLineBytes });
  return { msgs: records.map((r) => r.msg), lines: reading.lines, skipped: reading.skipped };
}

describe('run.log, streamed line by line', () => {
  test('lines across 64 KiB chunks, CRLF ends and a last line without its newline all read', async () => {
    const long = line(2, { pad: 'x'.repeat(150_000) });
    const r = await scan('chunks.log', `${line(1)}\r\n${long}\n${line(3)}\n\n${line(4)}`);
    expect(r.msgs).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
    expect(r.skipped.count).toBe(0);
  });

  test('a line past the limit is dropped as it streams by, counted with its number and length; its neighbours read', async () => {
    const long = line(2, { pad: 'x'.repeat(300_000) });
    const r = await scan('long.log', `${line(1)}\n${long}\n${line(3)}\n${long}`, 100_000);
    expect(r.msgs).toEqual(['line 1', 'line 3']);
    expect(r.skipped).toEqual({
      count: 2,
      lines: [
        { line: 2, reason: `${long.length} bytes, longer than the 100000 kept` },
        { line: 4, reason: `${long.length} bytes, longer than the 100000 kept` },
      ],
    });
  });

  test('lines that are not JSON, not an object, or whose pino fields have the wrong type are skipped and named', async () => {
    const bad = [
      '{"level":30,"time":17000',
      '[1,2]',
      line(0, { time: 'yesterday' }),
      line(0, { time: 1e300 }),
      line(0, { msg: 42 }),
      line(0, { iteration: '2' }),
      line(0, { step: -1 }),
    ];
    const r = await scan('bad.log', [line(1), ...bad, line(9)].join('\n') + '\n');
    expect(r.msgs).toEqual(['line 1', 'line 9']);
    expect(r.lines).toBe(9);
    expect(r.skipped.count).toBe(7);
    expect(r.skipped.lines.map((l) => l.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.skipped.lines.map((l) => l.reason)).toEqual([
      'not JSON',
      'not a JSON object',
      expect.stringMatching(/^time: .*expected number/),
      expect.stringMatching(/^time: Too big/),
      expect.stringMatching(/^msg: /),
    ]);
    expect(describeSkipped('run.log', r.skipped)).toMatch(/^run\.log: 7 lines skipped: line 2 \(not JSON\), .*, and 2 more$/);
  });

  test('a missing file is no lines', async () => {
    const reading = await scanRunLog(join(dir, 'none.log'), () => undefined);
    expect(reading).toEqual({ exists: false, lines: 0, skipped: { count: 0, lines: [] } });
  });
});
