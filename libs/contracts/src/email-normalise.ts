/**
 * Email addresses that look the same to a person must match as the same address: full-width
 * letters (`ｊｏｈｎ`), decomposed accents (`e` + U+0301), invisible characters (zero-width space,
 * soft hyphen, direction marks) and Cyrillic or Greek letters drawn like Latin ones (`jоhn` with a
 * Cyrillic `о`). This is the key duplicates and uniqueness are decided on; the address itself is
 * stored and shown as the person typed it.
 */

/** Characters that render as nothing: default-ignorable code points and format characters. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/**
 * Lower-case Cyrillic and Greek letters that are drawn like a Latin letter in common fonts (the
 * single-letter prototypes of Unicode's confusables list, TR39), folded onto that letter.
 */
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  'а': 'a',
  'в': 'b',
  'с': 'c',
  'ԁ': 'd',
  'е': 'e',
  'ё': 'ë',
  'һ': 'h',
  'і': 'i',
  'ї': 'ï',
  'ј': 'j',
  'к': 'k',
  'ӏ': 'l',
  'м': 'm',
  'н': 'h',
  'о': 'o',
  'р': 'p',
  'ԛ': 'q',
  'ѕ': 's',
  'т': 't',
  'ѵ': 'v',
  'ԝ': 'w',
  'х': 'x',
  'у': 'y',
  // Greek
  'α': 'a',
  'ε': 'e',
  'ι': 'i',
  'κ': 'k',
  'ν': 'v',
  'ο': 'o',
  'ρ': 'p',
  'τ': 't',
  'υ': 'u',
  'χ': 'x',
  'γ': 'y',
};

const LOOKALIKE = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join('')}]`, 'gu');

/** The form two addresses are compared in: equal forms mean the same address to a reader. */
export function normaliseEmailForMatching(email: string): string {
  return email
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(LOOKALIKE, (c) => LATIN_LOOKALIKES[c])
    .normalize('NFKC')
    .trim();
}
