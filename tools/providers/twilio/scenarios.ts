import { lastFour } from './format';

/**
 * What happens to a dialled call or a sent text, scripted by the last four digits of the number
 * (documented in README.md), so a test picks an outcome by picking a number.
 */
export type CallOutcome =
  | {
      kind: 'answered';
      ringSeconds: number;
      /** Seconds of conversation; undefined while held (ends on release or hang-up). */
      talkSeconds: number | undefined;
      answeredBy: 'human' | 'machine_start';
      /** Rings until released through the control API (no ring timeout). */
      holdRinging: boolean;
    }
  | { kind: 'busy'; ringSeconds: number }
  | { kind: 'no-answer' }
  | { kind: 'failed' };

export const RING_SECONDS = 3;
export const DEFAULT_TALK_SECONDS = 5;
export const VOICEMAIL_SECONDS = 8;

export function callOutcomeFor(number: string): CallOutcome {
  const digits = lastFour(number);
  const answered = (talkSeconds: number | undefined, extra: Partial<CallOutcome> = {}): CallOutcome => ({
    kind: 'answered',
    ringSeconds: RING_SECONDS,
    talkSeconds,
    answeredBy: 'human',
    holdRinging: false,
    ...extra,
  } as CallOutcome);
  switch (digits) {
    case '0001':
      return { kind: 'busy', ringSeconds: 1 };
    case '0002':
      return { kind: 'no-answer' };
    case '0003':
      return { kind: 'failed' };
    case '0004':
      return answered(VOICEMAIL_SECONDS, { answeredBy: 'machine_start' });
    case '0005':
      return answered(undefined);
    case '0006':
      return answered(DEFAULT_TALK_SECONDS, { holdRinging: true });
    default:
      // 9NNN talks NNN seconds (…9030 talks 30 s); every other number answers and talks 5 s.
      if (digits.startsWith('9')) return answered(Number(digits.slice(1)));
      return answered(DEFAULT_TALK_SECONDS);
  }
}

export type MessageOutcome =
  | { kind: 'delivered' }
  | { kind: 'undelivered'; errorCode: number; errorMessage: string }
  | { kind: 'failed'; errorCode: number; errorMessage: string };

export function messageOutcomeFor(number: string): MessageOutcome {
  switch (lastFour(number)) {
    case '0001':
      return { kind: 'undelivered', errorCode: 30003, errorMessage: 'Unreachable destination handset' };
    case '0002':
      return { kind: 'undelivered', errorCode: 30005, errorMessage: 'Unknown destination handset' };
    case '0003':
      return { kind: 'failed', errorCode: 30006, errorMessage: 'Landline or unreachable carrier' };
    default:
      return { kind: 'delivered' };
  }
}

export type LineType = 'mobile' | 'landline' | 'nonFixedVoip' | 'tollFree';

export function lineTypeFor(number: string): LineType {
  switch (lastFour(number)) {
    case '0003':
      return 'landline';
    case '0007':
      return 'nonFixedVoip';
    default:
      return number.startsWith('+1800') || number.startsWith('+1888') ? 'tollFree' : 'mobile';
  }
}
