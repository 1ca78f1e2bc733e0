/**
 * The instant a date text names, in milliseconds; a text without an offset (`2020-01-31`, `2020-01-31 09:30`) is UTC
 * on every machine, as the loader reads it, where Date.parse would read a date with a time in the local time zone.
 * NaN when the text is not a date.
 */
export function parseInstant(text: string): number {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.exec(text.trim());
  return Date.parse(local ? `${local[1]}T${local[2]}Z` : text);
}
