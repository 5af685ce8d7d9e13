import { z } from 'zod';

/** Page numbers in plain decimal only: no `0x1`, `1e3`, ` 1`, `+1`, `01` (SECURITY.md H6). */
export const PageNumberSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,6}$/, 'page must be a whole number from 1, in plain decimal')
  .transform(Number)
  .refine((n) => n <= 1_000_000, 'page must be at most 1000000');
