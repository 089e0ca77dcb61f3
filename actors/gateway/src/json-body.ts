/**
 * Request bodies: JSON only (any other media type is a 415), read by fastify's own parser
 * (prototype poisoning refused) behind two checks it does not make.
 *
 * - A Content-Encoding: the gateway decompresses nothing, so a gzip body was read as text and
 *   refused as "not UTF-8" or "not JSON", and a body only labelled gzip was taken in. Either way the
 *   caller was not told the truth; it is a 415 now.
 * - Bytes that are not UTF-8 (RFC 8259: JSON is UTF-8). Read as a string they became U+FFFD and the
 *   body was taken in as if the caller had sent that; it is a 400 now.
 */
import { isUtf8 } from 'node:buffer';
import { OoError } from '@oo/contracts';
import type { FastifyInstance } from 'fastify';
import { gatewayError } from './gateway-errors.js';

export function acceptJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      done(
        gatewayError(
          'OO_ERR_HTTP_MEDIA_TYPE',
          'send the body uncompressed: the gateway takes no Content-Encoding',
        ),
      );
    } else if (!isUtf8(body)) {
      done(new OoError('OO_ERR_MSG_INVALID_JSON', 'the request body is not UTF-8', { retryable: false }));
    } else {
      parseJson(request, body.toString('utf8'), done);
    }
  });
}
