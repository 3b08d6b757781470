import { jsonDepthExceeds, mediaTypeOf } from './body-parsers';

describe('body parsers', () => {
  it('measures JSON nesting without parsing, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":{"b":[1,[2]]}}', 4)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":[1,[2]]}}', 3)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('[[[[]]]]'), 3)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ s: '{{{{[[[[' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ s: '\\"{{{{"' }), 1)).toBe(false);
    expect(jsonDepthExceeds('{"é":{"ü":1}}', 2)).toBe(false);
  });

  it('reads the media type without parameters, lower-cased', () => {
    expect(mediaTypeOf({ headers: { 'content-type': 'Text/CSV; charset=utf-8' } })).toBe('text/csv');
    expect(mediaTypeOf({ headers: {} })).toBe('');
  });
});
