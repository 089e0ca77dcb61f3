/**
 * `oo request ...`: submit, follow, read, list, cancel and rerun requests through the gateway's
 * HTTP API, for scripts and machines as much as people (a monitoring system asking for two more
 * servers). Answers are JSON on stdout; progress and errors go to stderr.
 *
 * Exit codes: 0 done (with --wait: the request succeeded; for cancel, it ended cancelled), 1 the
 * call failed (the error names the code and each failing field), 3 the request ended otherwise.
 */
import { OoError } from '@oo/contracts';
import { EXIT_ENDED_OTHERWISE, type Io, json, processIo, readBody, timeoutMs } from '../command-io.js';
import { followRequest, readEnded, requestPath } from '../follow-request.js';
import { type GatewayClient, gatewayClient, gatewayTarget } from '../gateway-client.js';
import { textTable } from '../text-table.js';

export interface GatewayOptions {
  data: string;
}

export interface WaitOptions {
  wait?: boolean;
  /** Seconds; a string as commander gives it. */
  timeout: string;
  quiet?: boolean;
}

interface Accepted {
  requestId: string;
  traceId: string;
  status: string;
}

interface RequestView {
  requestId: string;
  status: string;
}

interface RequestSummary {
  requestId: string;
  status: string;
  submittedBy: string;
  submittedAt: string;
  template: string | null;
  resources: Array<{ type: string }>;
}

const connect = (options: GatewayOptions): GatewayClient => gatewayClient(gatewayTarget(options.data));

/** Follows the request to its end and prints it; answers the status it ended in. */
async function followAndPrint(gateway: GatewayClient, requestId: string, options: WaitOptions, io: Io) {
  const tell = options.quiet ? () => undefined : (line: string) => io.err(`${line}\n`);
  const status = await followRequest(gateway, requestId, tell, timeoutMs(options.timeout));
  io.out(json(await readEnded<RequestView>(gateway, requestId, status)));
  return status;
}

/** 0 when the request ended as wanted, else EXIT_ENDED_OTHERWISE. */
const exitFor = (status: string, wanted = 'succeeded') => (status === wanted ? 0 : EXIT_ENDED_OTHERWISE);

export async function submitRequest(
  file: string,
  options: GatewayOptions & WaitOptions & { idempotencyKey?: string },
  io: Io = processIo,
): Promise<number> {
  const body = readBody(file);
  const gateway = connect(options);
  const headers = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined;
  const accepted = await gateway.call<Accepted>('POST', '/v1/requests', body, headers);
  if (!options.wait) {
    io.out(json(accepted));
    return 0;
  }
  if (!options.quiet) io.err(`request ${accepted.requestId} accepted (trace ${accepted.traceId})\n`);
  return exitFor(await followAndPrint(gateway, accepted.requestId, options, io));
}

export async function showRequest(requestId: string, options: GatewayOptions, io: Io = processIo) {
  io.out(json(await connect(options).call('GET', requestPath(requestId))));
  return 0;
}

export async function waitRequest(
  requestId: string,
  options: GatewayOptions & WaitOptions,
  io: Io = processIo,
): Promise<number> {
  return exitFor(await followAndPrint(connect(options), requestId, options, io));
}

export function requestTable(items: readonly RequestSummary[]): string {
  const header = ['REQUEST', 'STATUS', 'BY', 'SUBMITTED', 'TEMPLATE', 'RESOURCES'];
  const rows = items.map((r) => [
    r.requestId,
    r.status,
    r.submittedBy,
    r.submittedAt.slice(0, 19).replace('T', ' '),
    r.template ?? '-',
    r.resources.map((x) => x.type).join(','),
  ]);
  return textTable(header, rows);
}

export async function listRequests(
  options: GatewayOptions & { status?: string; mine?: boolean; limit: string; json?: boolean },
  io: Io = processIo,
): Promise<number> {
  const query = new URLSearchParams({ limit: options.limit });
  if (options.status) query.set('status', options.status);
  if (options.mine) query.set('mine', 'true');
  const page = await connect(options).call<{ items: RequestSummary[]; nextCursor: string | null }>(
    'GET',
    `/v1/requests?${query}`,
  );
  if (options.json) io.out(json(page));
  else io.out(page.items.length === 0 ? 'no requests\n' : `${requestTable(page.items)}\n`);
  return 0;
}

export async function cancelRequest(
  requestId: string,
  options: GatewayOptions & WaitOptions & { reason?: string },
  io: Io = processIo,
): Promise<number> {
  const gateway = connect(options);
  const answer = await gateway.call(
    'POST',
    requestPath(requestId, '/cancel'),
    options.reason ? { reason: options.reason } : {},
  );
  if (!options.wait) {
    io.out(json(answer));
    return 0;
  }
  // Cancelled is what was asked for; a request that ended otherwise first did not stop as asked.
  return exitFor(await followAndPrint(gateway, requestId, options, io), 'cancelled');
}

export async function rerunRequest(
  requestId: string,
  options: GatewayOptions & WaitOptions & { mode: string; body?: string },
  io: Io = processIo,
): Promise<number> {
  if (options.mode !== 'resume' && options.mode !== 'restart') {
    throw new OoError('OO_ERR_CONFIG_INVALID', '--mode must be resume or restart');
  }
  const gateway = connect(options);
  const body = { mode: options.mode, ...(options.body ? { body: readBody(options.body) } : {}) };
  const accepted = await gateway.call<Accepted>('POST', requestPath(requestId, '/rerun'), body);
  if (!options.wait) {
    io.out(json(accepted));
    return 0;
  }
  if (!options.quiet) io.err(`request ${accepted.requestId} accepted, a rerun of ${requestId}\n`);
  return exitFor(await followAndPrint(gateway, accepted.requestId, options, io));
}
