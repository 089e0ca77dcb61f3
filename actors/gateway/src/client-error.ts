/**
 * Requests Node's HTTP parser refuses before fastify sees them: a NUL or a bare byte in a header,
 * a broken request line, Content-Length beside Transfer-Encoding, headers over Node's
 * maxHeaderSize (16 KiB), a request not received in time. fastify answered these with its own JSON
 * (`"message":"Client Error"`), naming neither the code nor the rule; they are answered as problems
 * like every other refusal. There is no request object, so the answer is written on the socket,
 * which is then closed.
 */
import { randomBytes } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { OoError } from '@oo/contracts';
import type { Logger } from 'pino';
import { gatewayError } from './gateway-errors.js';
import { PROBLEM_JSON, toProblem } from './problem.js';

/** What Node's parser attaches to the errors it raises. */
interface ParserError extends Error {
  readonly code?: string;
  /** llhttp's fixed text for the rule broken ("Invalid header value char"), never the caller's bytes. */
  readonly reason?: string;
}

function refusal(err: ParserError): OoError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return gatewayError(
        'OO_ERR_HTTP_HEADERS_TOO_LARGE',
        `the request line and headers are larger than ${maxHeaderSize} bytes`,
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return gatewayError('OO_ERR_HTTP_REQUEST_TIMEOUT', 'the request did not arrive in full in time');
    default:
      return gatewayError(
        'OO_ERR_HTTP_BAD_REQUEST',
        `the HTTP request is malformed: ${err.reason ?? 'it is not HTTP/1.1'}`,
        { parser: err.code ?? 'unknown' },
      );
  }
}

/** fastify's `clientErrorHandler`. */
export function clientErrorHandler(log: Logger, maxBytes: number) {
  return (err: ParserError, socket: Socket): void => {
    // A reset connection has no one left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const traceId = randomBytes(16).toString('hex');
    const problem = toProblem(refusal(err), { traceId, maxBytes });
    log.debug({ code: problem.code, parser: err.code, traceId }, 'malformed HTTP request refused');
    if (socket.writable) {
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
          `content-type: ${PROBLEM_JSON}; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          `oo-trace-id: ${traceId}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}
