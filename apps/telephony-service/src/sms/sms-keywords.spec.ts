import { smsKeywordEffect } from './sms-keywords';

describe('SMS consent keywords', () => {
  it.each(['STOP', 'stop', ' Stop ', '\tSTOPALL\n', 'unsubscribe', 'Cancel', 'END', 'quit', 'Stop.', 'STOP!'])('"%s" revokes', (body) => {
    expect(smsKeywordEffect(body)).toBe('opt_out');
  });

  it.each(['START', ' start ', 'Unstop', 'UNSTOP\r\n'])('"%s" re-opts in', (body) => {
    expect(smsKeywordEffect(body)).toBe('opt_in');
  });

  it.each(['', '   ', 'please stop texting me', 'STOP IT', 'S T O P', 'stopp', 'started', 'HELP', 'stop?'])('"%s" is an ordinary text', (body) => {
    expect(smsKeywordEffect(body)).toBeNull();
  });
});
