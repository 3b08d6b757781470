/**
 * The Gmail stand-in (SPEC §6, issue 20): Google's OAuth and the Gmail API paths a mailbox sync
 * uses, scripted mailboxes, live mail with Pub/Sub-style pushes, expiring history and revocable
 * tokens. See README.md.
 */
export * from './constants';
export { startGmailStandIn, type GmailStandIn, type GmailStandInOptions } from './server';
export { createStandInGmail, createStandInOAuth2Client, standInOAuthEndpoints } from './client';
export { DEFAULT_GMAIL_FIXTURE } from './default-fixture';
export type { GenerateSpec, GmailFixture, MailboxFixture, MessageFixture } from './fixture-types';
export type { PushAttempt } from './push';
