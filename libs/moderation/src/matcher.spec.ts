import { BannedWordMatcher, type PhraseEntry } from './matcher';

const words = (...phrases: string[]): PhraseEntry[] => phrases.map((phrase) => ({ phrase, wholeWord: true }));
const matcher = (banned: PhraseEntry[], allowed: PhraseEntry[] = []) => new BannedWordMatcher(banned, allowed);

describe('banned words: matching', () => {
  it('matches whole words, case- and width-insensitively', () => {
    const m = matcher(words('gore', 'Blood Bath'));
    expect(m.match('A GORE scene')?.phrase).toBe('gore');
    expect(m.match('ＧＯＲＥ fest')?.phrase).toBe('gore');
    expect(m.match('a blood   bath, at dawn')?.phrase).toBe('Blood Bath');
    expect(m.match('gorgeous gorex mygore')).toBeNull();
    expect(m.match('(gore) --ar 3:2')?.phrase).toBe('gore');
    expect(m.match('')).toBeNull();
  });

  it('matches anywhere when an entry is not whole-word', () => {
    expect(matcher([{ phrase: 'gore', wholeWord: false }]).match('gorefest')?.phrase).toBe('gore');
  });

  it('matches CJK phrases inside text written without spaces, and Latin words next to CJK text', () => {
    const m = matcher(words('血腥', 'nude'));
    expect(m.match('一个血腥的场面')?.phrase).toBe('血腥');
    expect(m.match('一个nude女人')?.phrase).toBe('nude');
    expect(m.match('一个nudes女人')).toBeNull();
    expect(matcher(words('누드')).match('누드를 그려')?.phrase).toBe('누드');
  });

  it('lets an allowed phrase excuse the banned phrase it contains, and only there', () => {
    const m = matcher(words('血', 'kill'), words('血橙', 'kill bill'));
    expect(m.match('一杯血橙汁')).toBeNull();
    expect(m.match('血橙 和 血')?.phrase).toBe('血');
    expect(m.match('Kill Bill poster')).toBeNull();
    expect(m.match('kill bill, then kill')?.phrase).toBe('kill');
  });

  it('answers the first banned phrase in the prompt', () => {
    expect(matcher(words('zeta', 'alpha')).match('alpha and zeta')?.phrase).toBe('alpha');
  });
});
