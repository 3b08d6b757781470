export { startSmtpStandIn, SMTP_STAND_IN_PASSWORD, SMTP_STAND_IN_USER, type SmtpStandIn, type SmtpStandInOptions } from './server';
export type { CapturedMessage, MessageFilter } from './mailbox';
