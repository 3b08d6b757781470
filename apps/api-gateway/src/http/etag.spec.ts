import { ifMatchVersion } from './etag';

describe('If-Match (one rule for every route)', () => {
  it('reads strong and weak ETags', () => {
    expect(ifMatchVersion('"7"')).toBe(7);
    expect(ifMatchVersion(' W/"12" ')).toBe(12);
  });

  it('treats absent and * as no precondition', () => {
    expect(ifMatchVersion(undefined)).toBeUndefined();
    expect(ifMatchVersion('*')).toBeUndefined();
  });

  it('refuses anything that is not one ETag of this API with 400 bad_request', () => {
    for (const bad of ['', '7', '"abc"', '"0"', '"1234567890"', '"1", "2"', '7; DROP TABLE', 'W/7']) {
      expect(() => ifMatchVersion(bad)).toThrow(expect.objectContaining({ status: 400, code: 'bad_request' }));
    }
    expect(() => ifMatchVersion(['"1"', '"2"'])).toThrow(expect.objectContaining({ status: 400 }));
  });
});
