import { mentionedUserIds, excerptOf } from './mentions';

const a = '0194f1c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f';
const b = '11111111-2222-4333-8444-555555555555';

describe('@mentions in a note', () => {
  it('finds each mentioned user once, in order of first appearance', () => {
    expect(mentionedUserIds(`Hi <@${b}> and <@${a}>, see <@${b}>`)).toEqual([b, a]);
  });

  it('treats an id written in upper case as the same user', () => {
    expect(mentionedUserIds(`<@${a.toUpperCase()}> <@${a}>`)).toEqual([a]);
  });

  it('ignores text that only looks like a mention', () => {
    expect(mentionedUserIds(`@${a} <@not-a-uuid> <@${a.slice(0, -1)}> <${a}> <@ ${a}>`)).toEqual([]);
  });

  it('ignores markup around something that is no valid UUID', () => {
    expect(mentionedUserIds('<@0194f1c2-7a3b-0c4d-0e5f-6a7b8c9d0e1f>')).toEqual([]);
  });

  it('finds none in plain text', () => {
    expect(mentionedUserIds('Called, left a voicemail.')).toEqual([]);
  });
});

describe('notification excerpts', () => {
  it('folds whitespace and cuts long text', () => {
    expect(excerptOf('  a\n\n b  ')).toBe('a b');
    const long = excerptOf('x'.repeat(500));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });
});
