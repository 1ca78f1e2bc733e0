/**
 * Phase markers for the crash harness and for debugging: with WFO_TRACE=1 each phase boundary prints one line
 * `trace phase=<name> key=value ...` to stderr. Silent otherwise.
 */
export type Trace = (phase: string, fields?: Record<string, string | number>) => void;

export function createTrace(enabled = process.env.WFO_TRACE === '1'): Trace {
  if (!enabled) return () => undefined;
  return (phase, fields = {}) => {
    const extra = Object.entries(fields)
      .map(([k, v]) => ` ${k}=${v}`)
      .join('');
    process.stderr.write(`trace phase=${phase}${extra}\n`);
  };
}

/**
 * Test aid beside WFO_TRACE: with WFO_HOLD=<phase> the run waits at that phase until its stop signal fires (at
 * most 30 s), so a test can land a signal exactly there instead of racing the run.
 */
export async function holdAt(phase: string, signal: AbortSignal | undefined): Promise<void> {
  if (!holding(phase) || !signal || signal.aborted) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30_000);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Whether WFO_HOLD names this phase, for a caller that must prepare before holdAt (e.g. commit a save first). */
export function holding(phase: string): boolean {
  return process.env.WFO_HOLD === phase;
}
