import { describe, expect, it } from 'vitest';
import { taskLine } from '../src/event-lines.js';
import { terminalLogLine } from '../src/terminal-log.js';
import { printable } from '../src/terminal-text.js';
import { textTable } from '../src/text-table.js';

/** Sets the terminal's title, then clears the screen: what a hostile message body might carry. */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2Jbody';
const SHOWN = '\\u001b]0;owned\\u0007\\u001b[2Jbody';

describe('oo on a terminal - text from elsewhere is shown, not obeyed', () => {
  it('escapes C0 controls, DEL and C1 controls, and leaves other text as it is', () => {
    expect(printable(HOSTILE)).toBe(SHOWN);
    expect(printable('a\nb\tc\u007fd\u009be')).toBe('a\\u000ab\\u0009c\\u007fd\\u009be');
    expect(printable('déjà vu, 東京, ✓ — "quoted"')).toBe('déjà vu, 東京, ✓ — "quoted"');
  });

  it('escapes them in every place a command writes a message from elsewhere', () => {
    expect(textTable(['A'], [[HOSTILE]])).toBe(`A\n${SHOWN}`);
    const failed = {
      at: '2026-11-28T12:00:00.000Z',
      taskKey: 'a',
      type: 'http.request',
      status: 'failed',
      error: { code: 'OO_ERR_HTTP_STATUS', message: HOSTILE },
    };
    expect(taskLine(failed, 0)).toBe(`12:00:00 task a http.request failed (OO_ERR_HTTP_STATUS: ${SHOWN})`);
    // A log field without spaces was written as it is; one with them as JSON, which leaves C1 be.
    expect(terminalLogLine(JSON.stringify({ level: 50, msg: 'x', body: HOSTILE, more: 'a \u009b b' }))).toBe(
      `ERROR  x  body=${SHOWN}  more="a \\u009b b"\n`,
    );
  });
});
