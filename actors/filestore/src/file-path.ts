/**
 * Which file paths the filestore accepts. A path names an object in the store and may one day name
 * a file on disk or in a URL: it must not climb (`..`), hide (`.name`), or carry characters that mean
 * something elsewhere (`\`, `%`, control characters, spaces). Each rule has a name, given back in the
 * 400 answer so the caller knows which one it broke.
 */
import { REQUEST_FILES_PREFIX } from '@oo/contracts';

/**
 * True for a request file, the requests actor's (`requests/`): it writes them straight into the
 * store, so HTTP may not, and the upload retention leaves them to go with their request.
 */
export function isRequestFile(path: string): boolean {
  return path.startsWith(REQUEST_FILES_PREFIX);
}

export interface PathRule {
  readonly rule: string;
  readonly message: string;
}

export const MAX_PATH_LENGTH = 512;
export const MAX_SEGMENT_LENGTH = 128;
export const MAX_DEPTH = 8;

const SAFE_SEGMENT = /^[A-Za-z0-9_.-]+$/;

function hasControlCharacter(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The first rule `path` breaks, or undefined when it is an acceptable file path. */
export function brokenPathRule(path: string): PathRule | undefined {
  if (path.length === 0) return { rule: 'not-empty', message: 'the path must name a file' };
  if (path.length > MAX_PATH_LENGTH) {
    return { rule: 'max-length', message: `the path must be at most ${MAX_PATH_LENGTH} characters` };
  }
  if (hasControlCharacter(path))
    return { rule: 'no-control-characters', message: 'the path must not hold control characters' };
  if (path.includes('\\'))
    return { rule: 'no-backslash', message: 'the path must separate segments with / only' };
  const segments = path.split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    return { rule: 'no-dot-segments', message: 'the path must not hold . or .. segments' };
  }
  if (segments.some((s) => s === '')) {
    return { rule: 'no-empty-segments', message: 'the path must not start or end with / or hold //' };
  }
  if (segments.length > MAX_DEPTH)
    return { rule: 'max-depth', message: `the path must be at most ${MAX_DEPTH} segments deep` };
  if (segments.some((s) => s.startsWith('.'))) {
    return { rule: 'no-hidden-names', message: 'no segment of the path may start with .' };
  }
  if (segments.some((s) => s.length > MAX_SEGMENT_LENGTH)) {
    return {
      rule: 'segment-length',
      message: `each segment must be at most ${MAX_SEGMENT_LENGTH} characters`,
    };
  }
  if (!segments.every((s) => SAFE_SEGMENT.test(s))) {
    return { rule: 'safe-characters', message: 'segments may hold only letters, digits, . _ and -' };
  }
  return undefined;
}
