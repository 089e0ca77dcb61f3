import { describe, expect, it } from 'vitest';
import { sseParser } from '../public/sse-parser.js';

describe('web - event stream parser', () => {
  it('reads frames split anywhere across chunks', () => {
    const parser = sseParser();
    const text = 'id: 7\nevent: task\ndata: {"seq":7}\n\nevent: end\ndata: {"status":"succeeded"}\n\n';
    const frames = [];
    for (let i = 0; i < text.length; i += 3) frames.push(...parser.push(text.slice(i, i + 3)));
    expect(frames).toEqual([
      { event: 'task', data: '{"seq":7}', id: '7' },
      { event: 'end', data: '{"status":"succeeded"}', id: undefined },
    ]);
  });

  it('skips comments and joins data lines, with CRLF line ends', () => {
    const parser = sseParser();
    expect(parser.push(': keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\n')).toEqual([
      { event: 'message', data: 'one\ntwo', id: undefined },
    ]);
  });

  it('reads a CRLF split between two chunks as one line end, not two', () => {
    const parser = sseParser();
    expect(parser.push('data: one\r')).toEqual([]);
    expect(parser.push('\ndata: two\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'one\ntwo', id: undefined }]);
  });

  it('holds a frame until its blank line arrives', () => {
    const parser = sseParser();
    expect(parser.push('event: run\ndata: {}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'run', data: '{}', id: undefined }]);
  });
});
