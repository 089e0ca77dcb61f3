/**
 * The requests actor: the front of the request path. Takes submits, reruns and cancels from the
 * gateway (or any NATS client), validates deeper than the schema, files the request, tells the
 * requester, starts the run — and turns the run's events into request events and notices. A
 * reconciler dispatches the records a handler left undispatched; a retention removes ended requests
 * with their files.
 */
import { BucketNames, EngineSubjects, ObjectStoreNames, OoError, RequestSubjects } from '@oo/contracts';
import { defineActor, on, principalTokens } from '@oo/runtime';
import { onCancel } from './cancel-handler.js';
import { abandon, dispatch, onOwnAccount } from './request-dispatch.js';
import { startRequestReconciler } from './request-reconciler.js';
import { RequestRecord, requestRecords } from './request-records.js';
import { startRequestRetention } from './request-retention.js';
import { parseRequestsOptions, type RequestsDeps, type RequestsOptions } from './requests-options.js';
import { onRerun } from './rerun-handler.js';
import { onRunEvent } from './run-events-handler.js';
import { onSubmit } from './submit-handler.js';
import { onSubmitRefused } from './submit-refusal.js';

/** Identity the actor acts under when nobody asked (notices after a run ended). */
const SERVICE_PRINCIPAL = { sub: 'requests', role: 'service' } as const;

/**
 * A requester's command takes milliseconds to handle, so the one a crashed instance held comes back
 * after 10 s rather than the runtime's 30: the request answered 202 moves on that much sooner. A
 * slow handling is not cut short: the runtime tells the server it is still working on it.
 */
const command = { ackWaitMs: 10_000 };

/** @throws OoError OO_ERR_CONFIG_INVALID for bad options (at once) or a missing auth.secret (at start) */
export function requestsActor(options: RequestsOptions) {
  const parsed = parseRequestsOptions(options);
  return defineActor({
    name: 'requests',
    version: '0.1.0',
    description: 'Validates, files, announces and starts requests; follows their runs',
    async setup(env) {
      const secret = env.config.auth.secret;
      if (!secret) {
        throw new OoError(
          'OO_ERR_CONFIG_INVALID',
          'auth.secret is required: the requests actor verifies callers',
        );
      }
      // Entry points judge a command's token at its store time, with this much slack for skew.
      const tokens = principalTokens(secret, { clockSkewSeconds: env.config.auth.clockSkewSeconds });
      const bucket = await env.bucket(BucketNames.requests, RequestRecord);
      const files = await env.objects(ObjectStoreNames.files);
      const deps: RequestsDeps = {
        rules: { templates: parsed.templates, catalog: parsed.catalog },
        filestoreUrl: parsed.filestoreUrl,
        defaultTo: parsed.notify.defaultTo,
        tokens,
        records: requestRecords(bucket),
        files,
        tracer: env.tracer,
        serviceToken: () => tokens.mint(SERVICE_PRINCIPAL),
      };
      const retention = startRequestRetention({
        bucket,
        files,
        log: env.log,
        clock: env.clock,
        report: env.reportError,
        keepMs: parsed.keepEndedRequestsMs,
        intervalMs: parsed.retentionIntervalMs,
      });
      const reconciler = startRequestReconciler({
        bucket,
        log: env.log,
        clock: env.clock,
        report: env.reportError,
        intervalMs: parsed.reconcileIntervalMs,
        graceMs: parsed.dispatchGraceMs,
        keepEndedRunsMs: parsed.keepEndedRunsMs,
        dispatch: (record) => onOwnAccount(deps, env, record, (ctx) => dispatch(deps, ctx, record)),
        abandon: (record) =>
          onOwnAccount(deps, env, record, (ctx) => abandon(deps, ctx, record, parsed.keepEndedRunsMs)),
      });
      return {
        async stop() {
          await reconciler.stop();
          await retention.stop();
        },
        handlers: [
          on(RequestSubjects.submit, onSubmit(deps), { ...command, onRefused: onSubmitRefused(deps) }),
          on(RequestSubjects.rerun, onRerun(deps), command),
          on(RequestSubjects.cancel, onCancel(deps), command),
          on(EngineSubjects.runEvents, onRunEvent(deps)),
        ],
      };
    },
  });
}
