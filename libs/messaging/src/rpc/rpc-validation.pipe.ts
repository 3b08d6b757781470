import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
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
export const createValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError('The request is not valid.', validationDetails(errors)),
  });
