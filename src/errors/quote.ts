/** How much of a piece of input an error message shows: enough to recognise it, never a whole file. */
export const QUOTE_LIMIT = 100;

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Input made safe to show in a message: control characters escaped (a stray \r or a terminal escape cannot
 * garble the output) and the text cut after about `limit` characters of output, saying how much was left out.
 * Never splits a surrogate pair or an escape.
 */
export function clip(text: string, limit = QUOTE_LIMIT): string {
  let out = '';
  let i = 0;
  for (; i < text.length && out.length < limit; i++) {
    const c = text[i];
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) out += named[c] ?? `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) out += c + text[++i];
    else out += c;
  }
  return i < text.length ? `${out}… (${text.length - i} more characters)` : out;
}

/** `clip` in double quotes, for a value quoted inside a sentence: `close is "abc", which is not a number`. */
export function quote(text: string, limit = QUOTE_LIMIT): string {
  return `"${clip(text, limit)}"`;
}
