/**
 * Where a command's output goes (stdout for answers, stderr for what it tells), answers as JSON,
 * and what commands read the same way: a JSON body from a file or stdin, a --timeout.
 */
import { readFileSync } from 'node:fs';
import { OoError } from '@oo/contracts';

/** A command's exit code when what it followed (a request, a run) ended other than as wanted. */
export const EXIT_ENDED_OTHERWISE = 3;

/** The tests give their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** An answer as a command prints it: indented JSON and a newline. */
export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A JSON body from a file, or from stdin for `-`. */
export function readBody(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new OoError('OO_ERR_CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OoError('OO_ERR_MSG_INVALID_JSON', `${file} is not JSON: ${(err as Error).message}`);
  }
}

/** `--timeout <seconds>` in ms. */
export function timeoutMs(seconds: string): number {
  const value = Number(seconds);
  if (!Number.isFinite(value) || value <= 0) {
    throw new OoError('OO_ERR_CONFIG_INVALID', '--timeout must be a number of seconds above 0');
  }
  return value * 1000;
}
