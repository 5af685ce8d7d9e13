import type { z } from 'zod';
import { validationError } from '../errors.js';

/** Parse a request part with a shared schema; a mismatch is a 400 VALIDATION_ERROR naming the first problem. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const param = issue?.path.length ? issue.path.join('.') : null;
    throw validationError(`${param ? `${param}: ` : ''}${issue?.message ?? 'invalid request'}`, param);
  }
  return r.data;
}
