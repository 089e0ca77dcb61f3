/**
 * Every message about a request is published in the request's trace. A submit is handled inside it
 * already; a rerun or cancel arrives in the trace of whoever asked, so its publishes go under a
 * span continuing the original trace, linked to the span of the command.
 */
import { type ActorContext, type ActorEnv, startSpanInTrace } from '@oo/runtime';

type Span = ActorContext['span'];

export async function inRequestTrace<T>(
  ctx: Pick<ActorContext, 'traceId' | 'span'>,
  tracer: ActorEnv['tracer'],
  traceId: string,
  name: string,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (ctx.traceId === traceId) return work(ctx.span);
  const span = startSpanInTrace(tracer, traceId, name, { link: ctx.span });
  try {
    return await work(span);
  } finally {
    span.end();
  }
}
