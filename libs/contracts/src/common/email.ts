import { isEmail, registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * Email addresses that look the same must compare the same. Attackers register look-alikes of
 * a colleague's address with full-width letters (`ａｄａ`), invisible characters (zero-width
 * space, soft hyphen), decomposed accents (`e` + U+0301) or letters of another script that
 * look Latin (Cyrillic `а`). The comparison key is normaliseEmailForMatching
 * (email-normalise.ts, shared with crm-service's duplicate detection); this file adds what
 * account addresses need on top: the cleaned form that is stored, and the refusal of local
 * parts that mix scripts.
 */

/** Characters that render as nothing (as in email-normalise.ts): default-ignorable and format characters. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** The address as stored and shown: compatibility-normalised (NFKC), invisible characters removed, trimmed. */
export function cleanEmail(raw: string): string {
  return raw.normalize('NFKC').replace(INVISIBLE, '').trim();
}

const SCRIPTS: Array<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Bopomofo', /\p{Script=Bopomofo}/u],
];

/** Scripts written together in one word (UTS #39, "highly restrictive"): Japanese, Korean, Chinese with Latin. */
const ALLOWED_MIXES = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Hangul']),
  new Set(['Latin', 'Han', 'Bopomofo']),
];

/** The scripts of the letters in `text` (digits, punctuation and marks belong to none). */
function scriptsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    found.add(SCRIPTS.find(([, re]) => re.test(char))?.[0] ?? `U+${char.codePointAt(0)!.toString(16)}`);
  }
  return found;
}

/** True when the part mixes scripts that are never written together (Latin with Cyrillic, say). */
export function isMixedScript(text: string): boolean {
  const scripts = scriptsOf(text);
  if (scripts.size <= 1) return false;
  return !ALLOWED_MIXES.some((allowed) => [...scripts].every((s) => allowed.has(s)));
}

/** Why `raw` cannot be an account's address, or null: not an address once cleaned, or a mixed-script local part. */
export function emailProblem(raw: string): string | null {
  const email = cleanEmail(raw);
  if (!isEmail(email)) return 'must be an email address';
  const at = email.lastIndexOf('@');
  if (isMixedScript(email.slice(0, at))) return 'must not mix letters of different scripts (for example Latin and Cyrillic) before the @';
  return null;
}

/** DTO rule for addresses that identify an account: see emailProblem. */
export function IsUnambiguousEmail(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isUnambiguousEmail',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && emailProblem(value) === null,
        defaultMessage: (args) => `${args?.property ?? 'email'} ${typeof args?.value === 'string' ? (emailProblem(args.value) ?? 'is not valid') : 'must be a string'}`,
      },
    });
}
