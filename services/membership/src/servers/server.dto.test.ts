import { describe, expect, it } from 'vitest';
import { escapeRegex } from './server.dto.js';

describe('escapeRegex', () => {
  it.each(['a.b', '(a+)+$', '[x]', 'a|b', '^start', 'back\\slash', '{1,2}', '*?', '$where'])('%s matches only itself', (text) => {
    const re = new RegExp(escapeRegex(text), 'i');
    expect(re.test(text)).toBe(true);
    expect(re.test(text.toUpperCase())).toBe(true);
    expect(re.test(`xx${text}yy`)).toBe(true);
    expect(re.test(text.slice(1))).toBe(false);
  });

  it('a dot does not match any character', () => {
    expect(new RegExp(escapeRegex('a.c')).test('abc')).toBe(false);
  });
});
