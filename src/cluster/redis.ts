import type { RedisOptions } from 'ioredis';
import { UsageError } from '../errors/index.js';
import { quote } from '../errors/index.js';
import { parseWholeNumber } from '../util/whole-number.js';

/** The environment variable that names the Redis server when --redis is not given. */
export const REDIS_URL_ENV = 'WFO_REDIS_URL';

/** The Redis URL of a command: --redis first, then WFO_REDIS_URL; null when neither is set. */
export function resolveRedisUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const url = flag ?? env[REDIS_URL_ENV];
  return url === undefined || url === '' ? null : url;
}

/** The environment variable that sets --redis-wait when the flag is not given. */
export const REDIS_WAIT_ENV = 'WFO_REDIS_WAIT';
/** How long a coordinator waits for an unreachable Redis before the run fails, by default. */
export const DEFAULT_REDIS_WAIT_SECONDS = 30;
export const REDIS_WAIT_RANGE = { min: 1, max: 86_400, unit: 'seconds' };

/** Seconds a coordinator waits for Redis: --redis-wait first, then WFO_REDIS_WAIT, else 30; a bad value is a UsageError. */
export function resolveRedisWait(flag: unknown, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return parseWholeNumber('--redis-wait', flag, REDIS_WAIT_RANGE);
  const fromEnv = env[REDIS_WAIT_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseWholeNumber(REDIS_WAIT_ENV, fromEnv, REDIS_WAIT_RANGE);
  return DEFAULT_REDIS_WAIT_SECONDS;
}

/** What a connection error says in a few words: the system's code (ECONNREFUSED, ENOTFOUND) or Redis's first sentence. */
export function redisCause(err: unknown, url: string): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  return redactSecret(String(e?.message ?? err).split(/\n|, /)[0], url);
}

/**
 * A refusal no retry can mend (a missing or wrong password) as a UsageError naming the URL, or null for an error
 * that waiting may cure (a server down or restarting).
 */
export function credentialsRefused(err: unknown, url: string): UsageError | null {
  const message = String((err as Error | undefined)?.message ?? err);
  if (!/^(NOAUTH|WRONGPASS|ERR AUTH|ERR invalid password)/.test(message)) return null;
  return new UsageError(
    `Redis at ${redactUrl(url)} refused the credentials (${redisCause(err, url)}); give the user and password in --redis or ${REDIS_URL_ENV}: redis://user:password@host:port`,
  );
}

/** The URL with its password (and a user name given without one) replaced by `***`: the only form ever printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    else if (parsed.username) parsed.username = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable Redis URL)';
  }
}

/** A message with every appearance of the URL's secret replaced, for errors that quote what the client was given. */
export function redactSecret(message: string, url: string): string {
  let secret: string;
  try {
    const parsed = new URL(url);
    secret = decodeURIComponent(parsed.password || parsed.username);
  } catch {
    // A URL that does not parse has no password to hide beyond what redactUrl already masks.
    return message.split(url).join(redactUrl(url));
  }
  let out = message.split(url).join(redactUrl(url));
  if (secret.length > 0) out = out.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
  return out;
}

/**
 * ioredis options for a redis:// or rediss:// URL. Every command waits through a lost connection instead of
 * failing (maxRetriesPerRequest null, which BullMQ workers require), and reconnects back off to 1 s, so a Redis
 * restart pauses the run rather than ending it.
 */
export function redisOptions(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--redis ${quote(redactUrl(url))}: not a URL; expected redis://[user:password@]host[:port][/db]`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--redis ${quote(redactUrl(url))}: the scheme must be redis:// or rediss://, got ${quote(parsed.protocol)}`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`--redis ${quote(redactUrl(url))}: the database after the host must be a number`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db === '' ? 0 : Number(db),
    tls: parsed.protocol === 'rediss:' ? { servername: parsed.hostname } : undefined,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    // A refused connection's socket never closes again; ioredis would hold the process 2 s for it on disconnect.
    disconnectTimeout: 500,
  };
}
