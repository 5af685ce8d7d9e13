import { z } from 'zod';

export const DocumentIdParamsSchema = z.object({ id: z.string().uuid() });
export const PageParamsSchema = z.object({ id: z.string().uuid(), page: z.coerce.number().int().min(1).max(1_000_000) });
