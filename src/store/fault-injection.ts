/**
 * Test aid: WFO_FAULT_INJECT="ENOSPC:model_iter_2.zip,EIO:metrics_iter_3" makes every write of a path that contains
 * the text fail with that error code, exactly as the operating system would report it. Unset in normal use.
 */
export function injectedFault(path: string): NodeJS.ErrnoException | null {
  const spec = process.env.WFO_FAULT_INJECT;
  if (!spec) return null;
  for (const rule of spec.split(',')) {
    const [code, fragment] = rule.split(':');
    if (code && fragment && path.includes(fragment)) {
      const err = new Error(`${code}: injected fault, write '${path}'`) as NodeJS.ErrnoException;
      err.code = code;
      err.path = path;
      return err;
    }
  }
  return null;
}
