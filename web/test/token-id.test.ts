import { describe, expect, it } from 'vitest';
import { tokenIdOf } from '../public/token-id.js';

describe('web - which token one is signed in with', () => {
  it('reads the id out of an API token', () => {
    expect(tokenIdOf('oo_tok_01M8F76PM37HMXDDYGVFB2WJMW_P0uQ3BCJJavVayxtzPshpPGaBDjWWrW8Fd6hxCEoHXM')).toBe(
      'tok_01M8F76PM37HMXDDYGVFB2WJMW',
    );
  });

  it('finds none in what is not an API token', () => {
    expect(tokenIdOf('oo_not-a-token')).toBeUndefined();
    expect(tokenIdOf('tok_01M8F76PM37HMXDDYGVFB2WJMW')).toBeUndefined();
    expect(tokenIdOf('')).toBeUndefined();
    expect(tokenIdOf(null)).toBeUndefined();
  });
});
