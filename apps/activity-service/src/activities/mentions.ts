import { isUUID } from 'class-validator';
import { MENTION_MARKUP } from '@engage/contracts';

/**
 * The users a text @mentions (`<@user-id>` markup), each once, in the order they first appear,
 * with ids in lower case so that the same user written in another case is still one mention.
 * Markup around something that is no valid UUID (as every id of the suite is) mentions nobody.
 */
export function mentionedUserIds(text: string): string[] {
  const ids = new Set<string>();
  for (const match of text.matchAll(MENTION_MARKUP)) {
    const id = match[1].toLowerCase();
    if (isUUID(id)) ids.add(id);
  }
  return [...ids];
}

/** The start of a text for a notification: whitespace runs folded, at most `max` characters. */
export function excerptOf(text: string, max = 200): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length <= max ? folded : `${folded.slice(0, max - 1)}…`;
}
