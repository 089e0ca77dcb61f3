import { describe, expect, it } from 'vitest';
import { brokenPathRule } from '../src/file-path.js';

describe('filestore - file path rules', () => {
  it.each(['requests/req_01HX.json', 'a', 'uploads/2025/01/report-v1.2.tar.gz', 'x..y'])(
    'accepts %s',
    (path) => {
      expect(brokenPathRule(path)).toBeUndefined();
    },
  );

  it.each([
    ['', 'not-empty'],
    ['a/'.repeat(300), 'max-length'],
    ['a\u0000b', 'no-control-characters'],
    ['a\nb', 'no-control-characters'],
    ['a\\b', 'no-backslash'],
    ['..', 'no-dot-segments'],
    ['a/./b', 'no-dot-segments'],
    ['/etc/passwd', 'no-empty-segments'],
    ['a/', 'no-empty-segments'],
    ['a/b/c/d/e/f/g/h/i', 'max-depth'],
    ['.git/config', 'no-hidden-names'],
    [`${'a'.repeat(129)}`, 'segment-length'],
    ['a b', 'safe-characters'],
    ['a%2e', 'safe-characters'],
    ['caf\u00e9', 'safe-characters'],
  ])('refuses %j by the rule %s', (path, rule) => {
    expect(brokenPathRule(path)?.rule).toBe(rule);
  });
});
