/**
 * The abort of one attempt, whose AbortSignal is made only when something asks for it. Most tasks
 * finish without looking at `ctx.signal`, and an AbortController with its listeners cost more than
 * a no-op task's whole run. The runner waits on `aborted`, which rejects either way.
 */
export class AttemptAbort {
  readonly aborted: Promise<never>;
  #reject!: (reason: unknown) => void;
  #controller: AbortController | undefined;
  #isAborted = false;
  #reason: unknown;

  constructor() {
    this.aborted = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    // The runner races on it; an abort after the attempt ended is not an unhandled rejection.
    this.aborted.catch(() => undefined);
  }

  get isAborted(): boolean {
    return this.#isAborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#isAborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#isAborted) return;
    this.#isAborted = true;
    this.#reason = reason;
    // Rejected before the signal's listeners run, so the runner's race settles before anything
    // the task does about the abort.
    this.#reject(reason);
    this.#controller?.abort(reason);
  }
}
