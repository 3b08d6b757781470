import { slugCandidates } from './slug';

const first = (name: string) => slugCandidates(name).next().value;

describe('tenant slugs', () => {
  it('are lower-case words joined by dashes', () => expect(first('Acme Inc.')).toBe('acme-inc'));
  it('drop accents', () => expect(first('Café Zoë GmbH')).toBe('cafe-zoe-gmbh'));
  it('fall back when nothing is left', () => expect(first('😀😀')).toBe('team'));
  it('offer numbered alternatives when taken', () => {
    const all = [...slugCandidates('Demo')];
    expect(all.slice(0, 3)).toEqual(['demo', 'demo-2', 'demo-3']);
    expect(new Set(all).size).toBe(all.length);
  });
});
