import type { z } from 'zod';

/** A stored JSON column read back through its schema; what no longer parses (a schema change) reads as `fallback`. */
export function parseStored<T>(schema: z.ZodType<T>, raw: string | null, fallback: T): T {
  if (!raw) return fallback;
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : fallback;
  } catch {
    return fallback;
  }
}
