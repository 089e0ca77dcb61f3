import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EXAMPLE_VM, RequestSubjects, storableText, unstorableStrings } from '../src/index.js';

const NUL = 'must not contain U+0000 (NUL)';
const LONE = 'must not contain a UTF-16 surrogate without its pair';

describe('storable text - unstorableStrings', () => {
  it('names each string holding a NUL or a surrogate without its pair, by path', () => {
    const body = { notes: 'a\u0000b', resources: [{ tags: { x: '\ud800' } }], reason: '\udc00\ud83d' };
    expect(unstorableStrings(body)).toEqual(
      expect.arrayContaining([
        { path: ['notes'], message: NUL },
        { path: ['resources', '0', 'tags', 'x'], message: LONE },
        { path: ['reason'], message: LONE },
      ]),
    );
  });

  it.each([
    ['a lone high surrogate at the end', 'ab\ud83d'],
    ['a high surrogate before a letter', '\ud83dx'],
    ['a lone low surrogate', 'a\ude00'],
    ['a low surrogate before its high one', '\ude00\ud83d'],
  ])('refuses %s', (_, text) => {
    expect(unstorableStrings(text)).toEqual([{ path: [], message: LONE }]);
  });

  it('takes any other text, emoji (a surrogate pair) and right-to-left overrides included', () => {
    expect(unstorableStrings({ notes: '\u{1F600} \u202e \ud83d\ude00 \u0001', n: 1, b: null })).toEqual([]);
  });

  it('walks a body nested 100,000 levels deep and stops after 100 problems', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableStrings(deep)).toEqual([{ path: Array(100_000).fill('0'), message: NUL }]);
    expect(unstorableStrings(Array(1_000).fill('\u0000'))).toHaveLength(100);
  });
});

describe('storable text - storableText', () => {
  const Free = storableText(z.object({ name: z.string(), values: z.record(z.string(), z.unknown()) }));

  it('refuses a NUL deep in free-form JSON, naming its path', () => {
    const parsed = Free.safeParse({ name: 'a', values: { list: [{ hostname: 'web\u0000' }] } });
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['values', 'list', '0', 'hostname'], message: NUL }),
    ]);
  });

  it('reports it beside the schema’s own problems', () => {
    const parsed = Free.safeParse({ name: 1, values: { a: '\ud800' } });
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['name', 'values.a']);
  });

  it('keeps the parsed value and type of the schema it wraps', () => {
    expect(Free.parse({ name: '\u{1F600}', values: {} })).toEqual({ name: '\u{1F600}', values: {} });
  });
});

describe('storable text - the request commands', () => {
  it('refuses a submit with a NUL in a resource, naming the field', () => {
    const body = { resources: [{ ...EXAMPLE_VM, tags: { owner: 'web\u0000' } }] };
    const parsed = RequestSubjects.submit.schema.safeParse(body);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['resources', '0', 'tags', 'owner'], message: NUL }),
    ]);
  });

  it('refuses a rerun whose edited body has a lone surrogate', () => {
    const rerun = { requestId: 'req_1', mode: 'restart', body: { resources: [EXAMPLE_VM], notes: '\udc00' } };
    const parsed = RequestSubjects.rerun.schema.safeParse(rerun);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['body', 'notes'], message: LONE }),
    ]);
  });

  it('refuses a cancel reason with a NUL', () => {
    const parsed = RequestSubjects.cancel.schema.safeParse({ requestId: 'req_1', reason: 'stop\u0000' });
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['reason'], message: NUL })]);
  });

  it('takes a submit with emoji in its notes', () => {
    const body = { resources: [EXAMPLE_VM], notes: 'ship it \u{1F680}' };
    expect(RequestSubjects.submit.schema.safeParse(body).success).toBe(true);
  });
});
