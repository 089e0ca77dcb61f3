/**
 * Settles (acks and naks) collected during one event-loop turn and sent together on the next
 * `setImmediate`. The client flushes its socket once per microtask checkpoint; acking from many
 * separate handler completions would otherwise cost one socket write each, which measured as a
 * fifth of a consumer's CPU. Delivery guarantees are unchanged: a crash before the flush means a
 * redelivery, exactly as a crash before an immediate ack would.
 */
import type { JsMsg } from '@nats-io/jetstream';

export interface AckBatcher {
  ack(msg: JsMsg): void;
  nak(msg: JsMsg, delayMs: number): void;
  /** Sends everything pending now (at drain). */
  flush(): void;
}

export function ackBatcher(): AckBatcher {
  let pending: Array<() => void> = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    for (const settle of batch) settle();
  };
  const add = (settle: () => void) => {
    pending.push(settle);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    ack: (msg) => add(() => msg.ack()),
    nak: (msg, delayMs) => add(() => msg.nak(delayMs)),
    flush,
  };
}
