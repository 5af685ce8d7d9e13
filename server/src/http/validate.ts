import { z } from 'zod';
import { notFound, validationError } from '../errors.js';

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

const IdParamsSchema = z.object({ id: z.string().uuid() });

/** The `:id` route parameter. A malformed id is simply an unknown `what`: 404, never a hint about what exists. */
export function parseId(params: unknown, what: string): string {
  const r = IdParamsSchema.safeParse(params);
  if (!r.success) throw notFound(what);
  return r.data.id;
}
