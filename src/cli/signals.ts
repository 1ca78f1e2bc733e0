const controller = new AbortController();

/** Aborted on the first SIGINT or SIGTERM; the reason is the signal's name. */
export const stopSignal: AbortSignal = controller.signal;

/**
 * First SIGINT/SIGTERM: ask the running command to stop at its next safe point (it saves its state).
 * Second: call `exitNow` at once with 130 (SIGINT) or 143 (SIGTERM); atomic writes keep the experiment resumable.
 */
export function installSignalHandlers(exitNow: (code: number) => void, say: (line: string) => void): void {
  const handle = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGTERM' ? 143 : 130;
    if (controller.signal.aborted) {
      say(`${signal} again: exiting now; the experiment stays resumable`);
      exitNow(code);
      return;
    }
    say(`${signal}: stopping at the next safe point and saving state (${signal} again to exit at once)`);
    controller.abort(signal);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
