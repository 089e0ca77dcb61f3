/**
 * Live request, run and task events for the SSE streams: one core NATS subscription per event
 * pattern for the whole gateway (`env.listen`), fanned out in memory to the streams watching each
 * request id. Run and task events carry their request id; events of runs started outside a request
 * carry none and are not watched.
 *
 * Core NATS delivery has no stream sequence, so a live event has no `seq` (see request-events.ts).
 */
import { EngineSubjects, RequestSubjects } from '@oo/contracts';
import type { ActorEnv } from '@oo/runtime';
import type { Logger } from 'pino';

export type EventKind = 'request' | 'run' | 'task';

export interface LiveEvent {
  readonly kind: EventKind;
  readonly subject: string;
  readonly requestId: string;
  readonly runId: string | null;
  readonly at: string;
  readonly body: Record<string, unknown>;
}

export type Watcher = (event: LiveEvent) => void;

export interface EventHub {
  /** Calls `watcher` with every live event of `requestId` from now on; returns the unwatch function. */
  watch(requestId: string, watcher: Watcher): () => void;
  /** Streams watching now, for logs and tests. */
  readonly watching: number;
}

interface EventBody {
  readonly requestId?: string | undefined;
  readonly runId?: string | undefined;
  readonly at: string;
}

export function eventHub(env: Pick<ActorEnv, 'listen'>, log: Logger): EventHub {
  const watchers = new Map<string, Set<Watcher>>();
  let watching = 0;

  const deliver = (kind: EventKind) => (body: EventBody, subject: string) => {
    if (!body.requestId) return;
    const set = watchers.get(body.requestId);
    if (!set) return;
    const event: LiveEvent = {
      kind,
      subject,
      requestId: body.requestId,
      runId: body.runId ?? null,
      at: body.at,
      body: body as unknown as Record<string, unknown>,
    };
    for (const watcher of set) {
      try {
        watcher(event);
      } catch (err) {
        log.warn({ err, subject }, 'an event stream failed on a live event');
      }
    }
  };
  env.listen(RequestSubjects.events, deliver('request'));
  env.listen(EngineSubjects.runEvents, deliver('run'));
  env.listen(EngineSubjects.taskEvents, deliver('task'));

  return {
    watch(requestId, watcher) {
      let set = watchers.get(requestId);
      if (!set) {
        set = new Set();
        watchers.set(requestId, set);
      }
      set.add(watcher);
      watching++;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        watching--;
        set.delete(watcher);
        if (set.size === 0) watchers.delete(requestId);
      };
    },
    get watching() {
      return watching;
    },
  };
}
