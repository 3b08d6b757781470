import { type ArgumentMetadata, ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { findReservedKey } from '@engage/contracts';
import { ValidationError } from '@engage/errors';

const flatten = (errors: ClassValidatorError[], parent = ''): Record<string, string[]> =>
  errors.reduce<Record<string, string[]>>((acc, e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) acc[path] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(acc, flatten(e.children, path));
    return acc;
  }, {});

/** Field-level details of a failed class-validator run, as returned to clients. */
export const validationDetails = (errors: ClassValidatorError[]) => ({ fields: flatten(errors) });

/**
 * Validation of request payloads with whitelists: unknown fields are refused, types are
 * converted to the DTO classes. Failures are domain validation errors (400 `validation_failed`).
 */
/**
 * Refuses a payload holding a reserved key (`constructor`, `__proto__`, `prototype`, …) anywhere
 * before class-transformer sees it: a `constructor` key in a nested map makes class-transformer
 * throw (a 500), and `__proto__` would be dropped silently.
 */
class PayloadValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.toValidate(metadata)) {
      const reserved = findReservedKey(value);
      if (reserved !== null) {
        throw new ValidationError('The request is not valid.', { fields: { [reserved]: ['is a reserved name and cannot be used as a key'] } });
      }
    }
    return super.transform(value, metadata);
  }
}

export const createValidationPipe = () =>
  new PayloadValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError('The request is not valid.', validationDetails(errors)),
  });
