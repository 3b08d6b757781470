/**
 * Development values of the Gmail stand-in (public on purpose: they only open the stand-in).
 * `.engage/providers.json` records them so services and tests use the same OAuth client.
 */
export const GMAIL_STAND_IN_CLIENT_ID = 'engage-standin-0000.apps.googleusercontent.com';
export const GMAIL_STAND_IN_CLIENT_SECRET = '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0';
/** Appended as `?token=` to every push, as Google's Gmail push guide suggests for verifying pushes. */
export const GMAIL_STAND_IN_PUSH_TOKEN = 'engage-standin-gmail-push-token-0';
/** The Pub/Sub subscription name pushes claim to come from. */
export const GMAIL_STAND_IN_SUBSCRIPTION = 'projects/engage-standin/subscriptions/gmail-push';

/** Scopes that let a token read mail through the API, as Google grants them. */
export const READ_SCOPES = [
  'https://mail.google.com/',
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/gmail.metadata',
] as const;

/** Paths of Google's OAuth endpoints as the stand-in serves them (same paths as on Google's hosts). */
export const AUTH_PATH = '/o/oauth2/v2/auth';
export const TOKEN_PATH = '/token';
export const REVOKE_PATH = '/revoke';
export const TOKEN_INFO_PATH = '/tokeninfo';
export const USERINFO_PATHS = ['/oauth2/v3/userinfo', '/v1/userinfo'] as const;

/** Google's lifetimes: access tokens an hour, codes a few minutes, watches seven days. */
export const ACCESS_TOKEN_TTL_SECONDS = 3599;
export const CODE_TTL_MS = 10 * 60 * 1000;
export const WATCH_TTL_MS = 7 * 24 * 60 * 60 * 1000;
