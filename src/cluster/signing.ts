import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors/index.js';
import { stableStringify } from '../util/hash.js';

/** The environment variable holding the secret that coordinators and workers share to sign jobs and results. */
export const QUEUE_SECRET_ENV = 'WFO_QUEUE_SECRET';
export const MIN_SECRET_LENGTH = 16;

/**
 * The queue's shared secret from WFO_QUEUE_SECRET, or null when it is not set. It is held as a KeyObject, which
 * prints and serialises as nothing, so no log line or error can show it by accident.
 */
export function resolveQueueSecret(env: NodeJS.ProcessEnv = process.env): KeyObject | null {
  const text = env[QUEUE_SECRET_ENV];
  if (text === undefined || text === '') return null;
  if (text.length < MIN_SECRET_LENGTH) {
    throw new UsageError(
      `${QUEUE_SECRET_ENV} holds ${text.length} characters; use at least ${MIN_SECRET_LENGTH} (for example the output of \`openssl rand -hex 32\`)`,
    );
  }
  return createSecretKey(Buffer.from(text, 'utf8'));
}

/** What is signed: a job a coordinator queues, or the result a worker returns (a signature of one is never valid as the other). */
export type SignedKind = 'job' | 'result';

/** HMAC-SHA256 over the value without its `signature`, as canonical JSON (keys sorted, as it reads back from Redis). */
function digest(value: object, kind: SignedKind, key: KeyObject): Buffer {
  const { signature: _ignored, ...rest } = value as Record<string, unknown>;
  const canonical = stableStringify(JSON.parse(JSON.stringify(rest)));
  return createHmac('sha256', key).update(`wfo-rl ${kind}\n`).update(canonical).digest();
}

export function sign<T extends object>(value: T, kind: SignedKind, key: KeyObject): T & { signature: string } {
  return { ...value, signature: digest(value, kind, key).toString('hex') };
}

/** Why a value's signature is not valid under `key`, or null when it is. */
export function signatureProblem(value: unknown, kind: SignedKind, key: KeyObject): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `the ${kind} is not an object`;
  const signature = (value as { signature?: unknown }).signature;
  if (signature === undefined) return `the ${kind} is not signed`;
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature)) return `the ${kind}'s signature is not an HMAC-SHA256 in hex`;
  const ok = timingSafeEqual(Buffer.from(signature, 'hex'), digest(value, kind, key));
  return ok ? null : `the ${kind}'s signature does not match (signed with another secret, or changed after it was signed)`;
}
