/**
 * `oo up` on a terminal: one readable line per log record, not pino's JSON.
 *
 *   12:00:01.250  WARN   engine  run failed  runId=run_01J…  err="OO_ERR_TIMEOUT: no answer in 30 s"
 *
 * Pipes, files and services keep the JSON (log collectors read it), as does a terminal with
 * OO_LOG_FORMAT=json. Only the layout changes: the record is what pino wrote, redactions included.
 */
import type { DestinationStream } from 'pino';
import { printable } from './terminal-text.js';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields the line shows in its own places, or that say nothing on one machine. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'actor', 'component', 'pid', 'hostname', 'instance']);

function clockTime(ms: number): string {
  const t = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}.${String(t.getMilliseconds()).padStart(3, '0')}`;
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value !== null && typeof value === 'object' && 'message' in value) {
    // An error as pino serialises it: its code and message; the stack stays in the JSON format.
    const err = value as { code?: unknown; message?: unknown };
    return JSON.stringify(typeof err.code === 'string' ? `${err.code}: ${err.message}` : String(err.message));
  }
  return JSON.stringify(value);
}

/** The terminal line of one JSON log record; a line that is not a record is passed on as it is. */
export function terminalLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = LEVELS[record.level as number] ?? String(record.level);
  const who = [record.actor, record.component].filter((s) => typeof s === 'string').join('/');
  const fields = Object.entries(record)
    .filter(([key, value]) => !SHOWN_APART.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  const parts = [
    typeof record.time === 'number' ? clockTime(record.time) : '',
    level.padEnd(5),
    who,
    typeof record.msg === 'string' ? record.msg : '',
    ...fields,
  ];
  // A field may quote what came from outside (a message body in an error): shown, never obeyed.
  return `${printable(parts.filter((p) => p !== '').join('  '))}\n`;
}

/** Where `oo up` logs: readable lines on a terminal, JSON elsewhere (undefined: pino's stdout). */
export function upLogDestination(
  out: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): DestinationStream | undefined {
  if (!out.isTTY || env.OO_LOG_FORMAT === 'json') return undefined;
  return { write: (line: string) => void out.write(terminalLogLine(line)) };
}
