import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { terminalLogLine, upLogDestination } from '../src/terminal-log.js';

/** A stream that says it is (or is not) a terminal, and keeps what is written to it. */
function screen(isTTY: boolean) {
  const out = new PassThrough() as PassThrough & { isTTY: boolean };
  out.isTTY = isTTY;
  const written: string[] = [];
  out.on('data', (chunk: Buffer) => written.push(chunk.toString('utf8')));
  return { out: out as unknown as NodeJS.WriteStream, written };
}

describe('oo up on a terminal', () => {
  it('writes each record as one readable line: time, level, actor, message, the other fields', () => {
    const time = new Date(2026, 10, 28, 12, 0, 1, 250).getTime();
    const record = {
      level: 40,
      time,
      pid: 7,
      hostname: 'vm',
      actor: 'engine',
      instance: 'inst_1',
      runId: 'run_1',
      attempt: 2,
      reason: 'no answer',
      err: { type: 'OoError', code: 'OO_ERR_TIMEOUT', message: 'no answer in 30 s', stack: 'at x' },
      msg: 'run failed',
    };
    expect(terminalLogLine(JSON.stringify(record))).toBe(
      '12:00:01.250  WARN   engine  run failed  runId=run_1  attempt=2  reason="no answer"  ' +
        'err="OO_ERR_TIMEOUT: no answer in 30 s"\n',
    );
    expect(terminalLogLine('{"level":30,"component":"read-model","msg":"read model migrated"}')).toBe(
      'INFO   read-model  read model migrated\n',
    );
    expect(terminalLogLine('not a record')).toBe('not a record\n');
  });

  it('formats pino records on a terminal and leaves them JSON elsewhere or when asked', () => {
    const tty = screen(true);
    const destination = upLogDestination(tty.out, {});
    expect(destination).toBeDefined();
    pino({ level: 'info' }, destination).child({ actor: 'gateway' }).info({ url: 'http://x' }, 'listening');
    expect(tty.written.join('')).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}gateway {2}listening {2}url=http:\/\/x\n$/,
    );

    expect(upLogDestination(screen(false).out, {})).toBeUndefined();
    expect(upLogDestination(screen(true).out, { OO_LOG_FORMAT: 'json' })).toBeUndefined();
  });
});
