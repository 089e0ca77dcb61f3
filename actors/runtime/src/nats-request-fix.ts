/**
 * A fix for `@nats-io/nats-core` 3.4: after a request's reply arrives, `RequestOne.resolver`
 * resolves the promise and then calls `cancel()`, which builds `new RequestError("cancelled")`
 * (a stack trace) only to reject a promise that is already resolved. Every JetStream publish and
 * KV read is such a request, so that dead Error was ~10% of the engine benchmark's CPU. The success
 * path below does what the original does, minus the dead Error; errors take the original path.
 * Remove when upstream stops allocating it (check `RequestOne.prototype.resolver`).
 */
import { RequestOne } from '@nats-io/nats-core/internal';

interface RequestOneInternals {
  timer?: { cancel(): void };
  deferred: { resolve(msg: unknown): void };
  mux: { cancel(request: unknown): void };
}

let installed = false;

export function installNatsRequestFix(): void {
  if (installed) return;
  installed = true;
  const original = RequestOne.prototype.resolver;
  RequestOne.prototype.resolver = function resolver(this: RequestOneInternals, err: Error | null, msg) {
    if (err) return original.call(this as unknown as RequestOne, err, msg);
    this.timer?.cancel();
    this.deferred.resolve(msg);
    this.mux.cancel(this);
  };
}
