/** Cells that count as missing: empty, NaN, NA or null (any case, surrounding blanks ignored). */
export function isMissing(cell: string): boolean {
  const t = cell.trim().toLowerCase();
  return t === '' || t === 'nan' || t === 'na' || t === 'null';
}

/** Splits one CSV line, honouring double-quoted fields with "" escapes. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    }
    else field += ch;
  }
  out.push(field);
  return out;
}

const separators: Array<[string, string]> = [
  [';', 'semicolons (;)'],
  ['\t', 'tabs'],
  ['|', 'vertical bars (|)'],
];

/** When a line holds no comma but another common separator, a sentence saying which. */
export function separatorHint(text: string): string | null {
  const head = text.slice(0, 4096);
  const count = (s: string) => head.split(s).length - 1;
  const commas = count(',');
  let best: [string, number] | null = null;
  for (const [sep, name] of separators) {
    const n = count(sep);
    if (n > commas && n > (best?.[1] ?? 0)) best = [name, n];
  }
  return best ? `The file seems to be separated by ${best[0]}; it must be comma-separated` : null;
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The value of buf[start..end) when it is a plain decimal (optional sign, at most 15 digits, at most one point),
 * else undefined and the caller parses the text as Number() does. With an integer significand below 2^53 and a
 * power of ten that is exact (10^15 at most), one IEEE division is correctly rounded, so this equals Number()
 * (W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990, the fast path).
 */
export function plainDecimal(buf: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  const sign = buf[i];
  if (i < end && (sign === 0x2d || sign === 0x2b)) i++;
  let significand = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < end; i++) {
    const b = buf[i];
    if (b >= 0x30 && b <= 0x39) {
      significand = significand * 10 + (b - 0x30);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (b === 0x2e && decimals < 0) decimals = 0;
    else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const value = decimals > 0 ? significand / POW10[decimals] : significand;
  return sign === 0x2d ? -value : value;
}

/** Whether buf[start..end) is empty or only blanks, as String.prototype.trim sees them. */
export function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === 0x20 || b === 0x09 || b === 0x0b || b === 0x0c) continue;
    if (b < 0x80) return false;
    return buf.toString('utf8', start, end).trim() === '';
  }
  return true;
}
