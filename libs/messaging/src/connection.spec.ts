import { dataOfReply, decodeJson, encodeDataReply, encodeJson } from './connection';

const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

describe('RPC reply encoding', () => {
  it.each([
    [{ data: [{ name: 'Zoë 👋', n: 1 }], page: { next_cursor: null } }],
    [[]],
    ['a "quoted" }'],
    [0],
    [null],
    [undefined],
  ])('gives back the JSON of the result %j without parsing the reply', (result) => {
    const reply = encodeDataReply(result);
    expect(decodeJson(reply)).toEqual({ data: result ?? null });
    expect(text(dataOfReply(reply))).toBe(JSON.stringify(result ?? null));
  });

  it('does not take an error envelope or another reply for a result', () => {
    expect(dataOfReply(encodeJson({ error: { code: 'not_found', message: 'x', data: 1 } }))).toBeNull();
    expect(dataOfReply(encodeJson({ dat: 1 }))).toBeNull();
    expect(dataOfReply(new TextEncoder().encode('{"data":'))).toBeNull();
    expect(dataOfReply(new Uint8Array())).toBeNull();
  });
});
