import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

/** Names and other short labels (SPEC section 4: 200 characters). */
export const NAME_MAX = 200;
/** Free text (SPEC section 4: 10,000 characters). */
export const FREE_TEXT_MAX = 10_000;

/** PostgreSQL text cannot hold NUL; refusing it here keeps it a 400 instead of a database error. */
const NO_NUL = /^[^\u0000]*$/;

/** A string of at most `max` characters without NUL bytes. */
export const BoundedText = (max: number, options: { each?: boolean } = {}) =>
  applyDecorators(
    IsString(options),
    MaxLength(max, options),
    Matches(NO_NUL, { ...options, message: '$property must not contain NUL characters' }),
  );

/** A name or label: bounded text with at least one non-space character. */
export const NonBlankText = (max: number) => applyDecorators(BoundedText(max), Matches(/\S/, { message: '$property must not be blank' }));
