// Ctrl-C (SIGINT) and SIGTERM during a sweep: the sweep is stopped through an AbortSignal, its
// rows stay in the results file, and the boundary prints "interrupted — N rows saved, rerun the
// same command to resume" and exits 130/143. Outside the sweep the signals keep their default.

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** An AbortSignal aborted by SIGINT/SIGTERM, until released. */
export interface Interrupt {
  /** Aborted by the first SIGINT or SIGTERM; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** Ends the interruptible part: from now on the signals get their default action again. */
  release(): void;
}

/**
 * Turns SIGINT/SIGTERM into an abort of the returned signal until `release()`; a second signal
 * gets its default action (the process ends). Release it in a `finally`.
 */
export function catchInterrupts(): Interrupt {
  const controller = new AbortController();
  let listening = true;
  const release = () => {
    if (!listening) return;
    listening = false;
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (!controller.signal.aborted) {
      controller.abort(signal);
      return;
    }
    release();
    process.kill(process.pid, signal); // the default action, now that no listener is left
  }
  for (const s of SIGNALS) process.on(s, onSignal);
  return { signal: controller.signal, release };
}
