/**
 * The mailboxes the stand-in starts with unless given others: two reps of one tenant (Alice,
 * Bob) and a rep of another tenant (Erin), with a customer thread both Alice and Bob are on —
 * the same RFC Message-ID in two mailboxes, which the sync must store once — plus the awkward
 * cases a sync must survive: no Subject, no Message-ID, non-ASCII text, mail older than 30 days.
 */
import type { GmailFixture } from './fixture-types';

export const DEFAULT_GMAIL_FIXTURE: GmailFixture = {
  mailboxes: [
    { email: 'alice@engage.test', name: 'Alice Rep', historyId: 1000 },
    { email: 'bob@engage.test', name: 'Bob Rep', historyId: 5000 },
    { email: 'erin@other.test', name: 'Erin Other', historyId: 9000 },
  ],
  messages: [
    {
      thread: 'renewal',
      from: 'Dana Diaz <dana@customer.test>',
      to: ['Alice Rep <alice@engage.test>'],
      cc: ['Bob Rep <bob@engage.test>'],
      subject: 'Renewal for 2026',
      text: "Hi Alice, we'd like to renew for 40 seats. Can you send the quote? — Dana",
      html: "<p>Hi Alice, we'd like to renew for <b>40 seats</b>. Can you send the quote?</p><p>— Dana</p>",
      messageId: '<renewal-1@customer.test>',
      ageHours: 72,
    },
    {
      thread: 'renewal',
      from: 'Alice Rep <alice@engage.test>',
      to: ['Dana Diaz <dana@customer.test>'],
      cc: ['Bob Rep <bob@engage.test>'],
      subject: 'Re: Renewal for 2026',
      text: 'Hi Dana, the quote is attached. Bob will set up the call.',
      messageId: '<renewal-2@engage.test>',
      ageHours: 70,
    },
    {
      thread: 'renewal',
      from: 'Dana Diaz <dana@customer.test>',
      to: ['Alice Rep <alice@engage.test>'],
      subject: 'Re: Renewal for 2026',
      text: 'Thanks, looks good. Signed copy on Friday.',
      messageId: '<renewal-3@customer.test>',
      ageHours: 26,
    },
    {
      from: 'Frank Fox <frank@prospect.test>',
      to: ['bob@engage.test'],
      subject: 'Demo request',
      text: 'Hello Bob, could we see a demo next week?',
      messageId: '<demo-1@prospect.test>',
      ageHours: 5,
    },
    {
      from: 'Gina Grün <gina@kunde.test>',
      to: ['alice@engage.test'],
      subject: 'Überweisung für Café ☕ — Rechnung 42',
      text: 'Grüße aus München: die Überweisung ist unterwegs.',
      messageId: '<rechnung-42@kunde.test>',
      ageHours: 12,
    },
    { from: 'noreply@tool.test', to: ['alice@engage.test'], subject: null, text: 'A notification without a subject.', messageId: '<nosubject@tool.test>', ageHours: 3 },
    { from: 'legacy@oldsystem.test', to: ['alice@engage.test'], subject: 'Header-less relay', text: 'This message has no Message-ID header.', messageId: null, ageHours: 2 },
    {
      from: 'Dana Diaz <dana@customer.test>',
      to: ['alice@engage.test'],
      subject: 'Last year kickoff notes',
      text: 'Notes from the kickoff, for the archive.',
      messageId: '<kickoff-old@customer.test>',
      ageHours: 45 * 24,
    },
    {
      from: 'Hank Hill <hank@elsewhere.test>',
      to: ['erin@other.test'],
      subject: 'Pricing question',
      text: 'Erin, what does the pro plan cost?',
      messageId: '<pricing-1@elsewhere.test>',
      ageHours: 8,
    },
  ],
};
