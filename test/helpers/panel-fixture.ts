import { writeFile } from './temp.js';

/** Day i from 2021-01-01, one a calendar day. */
export const day = (i: number) => new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** A long-format panel as written: per symbol the days it has a bar on and the text of each close. */
export interface WrittenPanel {
  path: string;
  days: number;
  symbols: string[];
  /** Whether `symbol` has a bar on day i. */
  has: (symbol: string, i: number) => boolean;
  /** The close of `symbol` on day i as the file holds it (NaN where it has none). */
  close: (symbol: string, i: number) => number;
}

/**
 * Writes `date,symbol,close,volume` rows by date, then symbol in the order given, for the days each symbol has. The
 * closes are irregular numbers with four decimals, so that a value taken from the wrong day or instrument shows.
 */
export function writePanel(dir: string, name: string, days: number, held: Record<string, (i: number) => boolean>): WrittenPanel {
  const symbols = Object.keys(held);
  const text = (symbol: string, i: number) =>
    (50 + 10 * symbols.indexOf(symbol) + i * 0.37 + 3 * Math.sin(i * 1.7 + symbols.indexOf(symbol))).toFixed(4);
  const rows = ['date,symbol,close,volume'];
  for (let i = 0; i < days; i++) for (const s of symbols) if (held[s](i)) rows.push(`${day(i)},${s},${text(s, i)},${1000 + 7 * i}`);
  const path = writeFile(dir, name, `${rows.join('\n')}\n`);
  return { path, days, symbols, has: (s, i) => held[s](i), close: (s, i) => (held[s](i) ? Number(text(s, i)) : NaN) };
}

/** The days of the calendar: those every symbol has (intersect) or any has (ffill), as indices of days. */
export function calendarOf(p: WrittenPanel, align: 'intersect' | 'ffill', symbols = p.symbols): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.days; i++) if (align === 'intersect' ? symbols.every((s) => p.has(s, i)) : symbols.some((s) => p.has(s, i))) out.push(i);
  return out;
}

/**
 * Per-bar values of `symbol` (value(i) on a day it has) placed on a calendar: NaN before its first bar, a day it lacks
 * taking its value of the calendar row before.
 */
export function onCalendar(p: WrittenPanel, calendar: number[], symbol: string, value: (i: number) => number): number[] {
  const out: number[] = [];
  let started = false;
  for (const [r, i] of calendar.entries()) {
    if (p.has(symbol, i)) started = true;
    out.push(!started ? NaN : p.has(symbol, i) ? value(i) : out[r - 1]);
  }
  return out;
}

/** Rows of the calendar a symbol has no bar on, as inclusive runs. */
export function gapsOf(p: WrittenPanel, calendar: number[], symbol: string): Array<{ symbol: string; from: number; to: number }> {
  const gaps: Array<{ symbol: string; from: number; to: number }> = [];
  for (const [r, i] of calendar.entries()) {
    if (p.has(symbol, i)) continue;
    const last = gaps.at(-1);
    if (last && last.to === r - 1) last.to = r;
    else gaps.push({ symbol, from: r, to: r });
  }
  return gaps;
}
