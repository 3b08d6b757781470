/**
 * The part of Gmail's search syntax (`q` of `users.messages.list`) a sync uses: `newer_than:` /
 * `older_than:` (d, m, y), `after:` / `before:` (YYYY/MM/DD at UTC midnight, or epoch seconds),
 * `from:`, `to:`, `cc:`, `rfc822msgid:`, `in:` / `label:`, `is:unread`, a leading `-` to negate,
 * and bare words matched against subject and body. Anything else is refused with a 400, so a
 * query the stand-in would silently misread fails loudly instead.
 */
import { badRequest } from './http';
import type { StoredMessage } from './mime';

export type MessagePredicate = (message: StoredMessage) => boolean;

const DAY_MS = 24 * 60 * 60 * 1000;
const UNIT_MS: Record<string, number> = { d: DAY_MS, m: 30 * DAY_MS, y: 365 * DAY_MS };

function tokenize(q: string): string[] {
  return q.match(/-?[a-z0-9_]+:"[^"]*"|"[^"]*"|\S+/gi) ?? [];
}

function dateBound(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (!match) throw badRequest(`Invalid date in query: ${value}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function header(message: StoredMessage, name: string): string {
  return message.headers
    .filter((h) => h.name.toLowerCase() === name)
    .map((h) => h.value.toLowerCase())
    .join(', ');
}

/** Gmail's `in:`/`label:` names as label ids (`in:inbox` → INBOX, `label:my-label` → MY-LABEL). */
function labelId(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function term(token: string, now: number): MessagePredicate {
  const colon = token.indexOf(':');
  if (colon < 0) {
    const word = token.replace(/"/g, '').toLowerCase();
    return (m) => `${header(m, 'subject')} ${m.text ?? ''} ${m.html ?? ''}`.toLowerCase().includes(word);
  }
  const operator = token.slice(0, colon).toLowerCase();
  const value = token.slice(colon + 1).replace(/"/g, '').toLowerCase();
  switch (operator) {
    case 'newer_than':
    case 'older_than': {
      const match = /^(\d+)([dmy])$/.exec(value);
      if (!match) throw badRequest(`Invalid ${operator} value: ${value}`);
      const bound = now - Number(match[1]) * UNIT_MS[match[2]];
      return operator === 'newer_than' ? (m) => m.internalDate > bound : (m) => m.internalDate < bound;
    }
    case 'after': {
      const bound = dateBound(value);
      return (m) => m.internalDate > bound;
    }
    case 'before': {
      const bound = dateBound(value);
      return (m) => m.internalDate < bound;
    }
    case 'from':
    case 'to':
    case 'cc':
      return (m) => header(m, operator).includes(value);
    case 'rfc822msgid':
      return (m) => (m.messageId ?? '').toLowerCase().replace(/[<>]/g, '') === value.replace(/[<>]/g, '');
    case 'in':
    case 'label':
      return value === 'anywhere' ? () => true : (m) => m.labelIds.includes(labelId(value));
    case 'is':
      if (value !== 'unread') throw badRequest(`Unsupported query is:${value}`);
      return (m) => m.labelIds.includes('UNREAD');
    default:
      throw badRequest(`The Gmail stand-in does not support the query operator ${operator}:`);
  }
}

export interface ParsedQuery {
  matches: MessagePredicate;
  /** `in:anywhere`, `in:spam` or `in:trash` lift the default exclusion of SPAM and TRASH. */
  mentionsSpamOrTrash: boolean;
}

export function parseQuery(q: string | null, now: number): ParsedQuery {
  const predicates = tokenize(q ?? '').map((token) => {
    const negated = token.startsWith('-') && token.length > 1;
    const predicate = term(negated ? token.slice(1) : token, now);
    return negated ? (m: StoredMessage) => !predicate(m) : predicate;
  });
  return {
    matches: (m) => predicates.every((p) => p(m)),
    mentionsSpamOrTrash: /(^|\s)(in|label):(anywhere|spam|trash)\b/i.test(q ?? ''),
  };
}
