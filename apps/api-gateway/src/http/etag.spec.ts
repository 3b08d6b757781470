import { ifMatchVersion } from './etag';

describe('If-Match', () => {
  it('reads strong and weak ETags', () => {
    expect(ifMatchVersion('"7"')).toBe(7);
    expect(ifMatchVersion('W/"12"')).toBe(12);
  });
  it('treats absent and * as no precondition', () => {
    expect(ifMatchVersion(undefined)).toBeUndefined();
    expect(ifMatchVersion('*')).toBeUndefined();
  });
  it('refuses anything else with 400', () => {
    expect(() => ifMatchVersion('7; DROP TABLE')).toThrow('If-Match');
  });
});
