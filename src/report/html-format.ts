/** Text made safe inside the report's HTML (elements and attribute values). */
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** A number with `d` decimals, or n/a. */
export const num = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
/** A fraction as a percentage with `d` decimals, or n/a. */
export const pct = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(d)}%`);
