/**
 * Configuration versions (tfe-api.md §3). Always created with `auto-queue-runs: false`: OO creates the
 * run itself (with its task key in the message), and an auto-queued run would be a second, unowned one.
 */
import { OoError } from '@oo/contracts';
import { z } from 'zod';
import type { Transport } from './http-transport.js';
import { attributes, document, type ResourceObject, single } from './json-api.js';
import type { CallOptions, WaitOptions } from './types.js';
import { pollUntil } from './wait.js';

export type TfeConfigurationVersionStatus = 'pending' | 'uploaded' | 'errored' | 'archived' | (string & {});

export interface TfeConfigurationVersion {
  readonly id: string;
  readonly status: TfeConfigurationVersionStatus;
  readonly autoQueueRuns: boolean;
  readonly speculative: boolean;
  /** Why TFE could not use the upload, when `status` is `errored`. */
  readonly errorMessage: string | null;
}

export interface CreatedConfigurationVersion {
  readonly configurationVersion: TfeConfigurationVersion;
  /** One-time pre-signed URL for the tarball: a credential, never log it. */
  readonly uploadUrl: string;
}

const Attributes = z.object({
  status: z.string(),
  'auto-queue-runs': z.boolean().default(true),
  speculative: z.boolean().default(false),
  'error-message': z.string().nullish(),
  'upload-url': z.string().nullish(),
});

function toConfigurationVersion(resource: ResourceObject): TfeConfigurationVersion {
  const a = attributes(resource, Attributes, 'a configuration version');
  return {
    id: resource.id,
    status: a.status,
    autoQueueRuns: a['auto-queue-runs'],
    speculative: a.speculative,
    errorMessage: a['error-message'] ?? null,
  };
}

/** A CV for speculative (plan-only) runs when `speculative` is true. Not retried (a POST). */
export async function createConfigurationVersion(
  t: Transport,
  workspaceId: string,
  input: { readonly speculative?: boolean } = {},
  options: CallOptions = {},
): Promise<CreatedConfigurationVersion> {
  const body = await t.api({
    method: 'POST',
    path: `/workspaces/${encodeURIComponent(workspaceId)}/configuration-versions`,
    body: document('configuration-versions', {
      'auto-queue-runs': false,
      speculative: input.speculative ?? false,
    }),
    signal: options.signal,
  });
  const resource = single(body, 'configuration-versions', 'create configuration version');
  const uploadUrl = attributes(resource, Attributes, 'a configuration version')['upload-url'];
  if (!uploadUrl) {
    throw new OoError(
      'OO_ERR_TFE_BAD_RESPONSE',
      'TFE created a configuration version without an upload-url',
      {
        details: { configurationVersionId: resource.id },
      },
    );
  }
  return { configurationVersion: toConfigurationVersion(resource), uploadUrl };
}

export async function getConfigurationVersion(
  t: Transport,
  id: string,
  options: CallOptions = {},
): Promise<TfeConfigurationVersion> {
  const body = await t.api({
    method: 'GET',
    path: `/configuration-versions/${encodeURIComponent(id)}`,
    signal: options.signal,
  });
  return toConfigurationVersion(single(body, 'configuration-versions', 'show configuration version'));
}

/**
 * PUTs the `.tar.gz` to the one-time upload URL as `application/octet-stream` with no Authorization
 * header (the URL is the credential). Throws OO_ERR_TFE_UPLOAD_FAILED; never retried — after a failure
 * create a new configuration version.
 */
export async function uploadConfiguration(
  t: Transport,
  uploadUrl: string,
  tarball: Uint8Array,
  options: CallOptions = {},
): Promise<void> {
  await t.putForeign(uploadUrl, tarball, options.signal);
}

/**
 * Polls until TFE has processed the upload. Throws OO_ERR_TFE_CONFIG_INVALID when it marked the
 * configuration `errored`, OO_ERR_TIMEOUT when it stays `pending` (e.g. the upload never arrived).
 */
export async function waitForConfigurationVersion(
  t: Transport,
  id: string,
  options: WaitOptions = {},
): Promise<TfeConfigurationVersion> {
  const cv = await pollUntil(
    () => getConfigurationVersion(t, id, options),
    (current) => current.status !== 'pending' && current.status !== 'fetching',
    `configuration version ${id} upload`,
    (current) => ({ configurationVersionId: id, status: current.status }),
    options,
  );
  if (cv.status !== 'uploaded') {
    throw new OoError(
      'OO_ERR_TFE_CONFIG_INVALID',
      `configuration version ${id} is ${cv.status}: ${cv.errorMessage ?? 'no reason given'}`,
      { details: { configurationVersionId: id, status: cv.status, errorMessage: cv.errorMessage } },
    );
  }
  return cv;
}
