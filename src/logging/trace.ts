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
