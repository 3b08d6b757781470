import { SmsOptInKeywords, SmsOptOutKeywords, type SmsKeywordEffect } from '@engage/contracts';

/**
 * What an inbound text says about the sender's SMS consent. Only a whole message counts: the
 * keyword alone, in any case, with any whitespace around it (and a closing `.` or `!`, since
 * "Stop." is as clear a revocation as "STOP"); "please stop texting me" is a text like any other.
 */
export function smsKeywordEffect(body: string): SmsKeywordEffect | null {
  const word = body.trim().replace(/[.!]+$/, '').trim().toUpperCase();
  if ((SmsOptOutKeywords as readonly string[]).includes(word)) return 'opt_out';
  if ((SmsOptInKeywords as readonly string[]).includes(word)) return 'opt_in';
  return null;
}

/**
 * The one reply a keyword gets (carriers and the CTIA expect the opt-out to be confirmed, once,
 * and to say how to opt back in). It is not marketing: it does not go through the compliance gate.
 */
export const KEYWORD_REPLIES: Record<SmsKeywordEffect, string> = {
  opt_out: 'You have been unsubscribed and will receive no more texts from this number. Reply START to resubscribe.',
  opt_in: 'You have been resubscribed and may receive texts from this number again. Reply STOP to unsubscribe.',
};
