/**
 * `/v1/files/*`: PUT stores a file (the body, as is) under the path, outside `requests/`; GET and
 * HEAD serve it with its content hash as ETag and X-Content-SHA256, answering 304 to a matching
 * If-None-Match.
 */
import { REQUEST_FILES_PREFIX } from '@oo/contracts';
import type { ObjectFiles, StoredFile } from '@oo/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { etagOf, ifNoneMatchHits } from './etag.js';
import { brokenPathRule, isRequestFile } from './file-path.js';
import { filestoreError } from './filestore-errors.js';

export interface FilesRoutesOptions {
  readonly files: ObjectFiles;
  readonly maxBytes: number;
}

const OCTET_STREAM = 'application/octet-stream';
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;[\x20-\x7e]*)?$/;

type FileRequest = FastifyRequest<{ Params: { '*': string } }>;

/** @throws OoError OO_ERR_FILESTORE_PATH_INVALID naming the rule broken */
function pathOf(request: FileRequest): string {
  const path = request.params['*'];
  const broken = brokenPathRule(path);
  if (broken) {
    throw filestoreError('OO_ERR_FILESTORE_PATH_INVALID', `${broken.message} (rule ${broken.rule})`, {
      rule: broken.rule,
    });
  }
  return path;
}

function contentTypeOf(request: FastifyRequest): string {
  const given = request.headers['content-type'];
  return given && given.length <= 200 && MEDIA_TYPE.test(given) ? given : OCTET_STREAM;
}

function describeFile(reply: FastifyReply, file: StoredFile): FastifyReply {
  return reply.headers({
    etag: etagOf(file),
    'x-content-sha256': file.sha256,
    'last-modified': new Date(file.modifiedAt).toUTCString(),
    // Files may be replaced: caches must ask again, and the ETag makes that cheap.
    'cache-control': 'no-cache',
  });
}

/** Served bytes are data, never a page: no sniffing, no scripts, even for text/html. */
function serveAsData(reply: FastifyReply, file: StoredFile): FastifyReply {
  return describeFile(reply, file).headers({
    'content-type': file.contentType,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  });
}

export async function filesRoutes(app: FastifyInstance, options: FilesRoutesOptions): Promise<void> {
  const { files, maxBytes } = options;

  // Every body is a file: take it as raw bytes whatever its type, up to the limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => {
    done(null, body);
  });

  app.put('/v1/files/*', async (request: FileRequest, reply) => {
    const path = pathOf(request);
    // The requests actor writes request files straight into the store; over HTTP, any token holder
    // could replace a live request's file and change what the resource handlers build.
    if (isRequestFile(path)) {
      throw filestoreError(
        'OO_ERR_FILESTORE_READ_ONLY',
        `${REQUEST_FILES_PREFIX} holds the request files OO writes; they cannot be written over HTTP`,
        { path },
      );
    }
    const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const existed = (await files.info(path)) !== undefined;
    const stored = await files.put(path, data, { contentType: contentTypeOf(request) });
    request.log.info({ path, size: stored.size, sha256: stored.sha256 }, 'file stored');
    describeFile(reply, stored)
      .code(existed ? 200 : 201)
      .header('location', `/v1/files/${path}`);
    return {
      path,
      size: stored.size,
      sha256: stored.sha256,
      contentType: stored.contentType,
      modifiedAt: stored.modifiedAt,
    };
  });

  app.head('/v1/files/*', async (request: FileRequest, reply) => {
    const path = pathOf(request);
    const info = await files.info(path);
    if (!info) throw filestoreError('OO_ERR_FILESTORE_NOT_FOUND', `no file at ${path}`);
    if (ifNoneMatchHits(request.headers['if-none-match'], info))
      return describeFile(reply, info).code(304).send();
    return serveAsData(reply, info).header('content-length', info.size).send();
  });

  app.get('/v1/files/*', { exposeHeadRoute: false }, async (request: FileRequest, reply) => {
    const path = pathOf(request);
    const info = await files.info(path);
    if (info && ifNoneMatchHits(request.headers['if-none-match'], info)) {
      return describeFile(reply, info).code(304).send();
    }
    const file = info && (await files.get(path));
    if (!file) throw filestoreError('OO_ERR_FILESTORE_NOT_FOUND', `no file at ${path}`);
    return serveAsData(reply, file.info).send(
      Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
    );
  });
}
