/** Typed errors (classes.ts), how they cross a thread or process (wire.ts), and how a message quotes input (quote.ts). */
export * from './classes.js';
export { fromWire, toWire, type WireError } from './wire.js';
export { clip, quote, QUOTE_LIMIT } from './quote.js';
