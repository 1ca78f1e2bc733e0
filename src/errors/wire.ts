import * as errors from './classes.js';
import { PipelineError } from './classes.js';

/** An error as it crosses a thread or process boundary: its class by name, message, and own fields (exitCode included). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

const classes: Record<string, ErrorClass> = Object.fromEntries(
  Object.entries(errors as Record<string, unknown>).filter(
    (entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof PipelineError,
  ),
);

/** Plain data for postMessage or a job result; keeps every own field, so nothing about the error is lost. */
export function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) if (isPlain(value)) fields[key] = value;
  return { name: err.name, message: err.message, stack: err.stack, fields };
}

/**
 * The same error on this side: an instance of the class of that name (so `instanceof` and exit codes hold), with
 * the message and fields exactly as sent and no constructor run again. An unknown name gives a plain Error.
 */
export function fromWire(wire: WireError): Error {
  const cls = classes[wire.name];
  const err: Error = cls ? Object.create(cls.prototype) : new Error(wire.message);
  Object.assign(err, wire.fields);
  Object.defineProperty(err, 'message', { value: wire.message, writable: true, configurable: true });
  if (wire.stack) Object.defineProperty(err, 'stack', { value: wire.stack, writable: true, configurable: true });
  return err;
}

function isPlain(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
