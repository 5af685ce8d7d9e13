import { z } from 'zod';

export const LoginRequestSchema = z.object({ token: z.string().min(1).max(512) });
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** `GET /api/auth/session`: whether this instance needs signing in, and whether this browser is signed in. */
export const SessionResponseSchema = z.object({ required: z.boolean(), authenticated: z.boolean() });
export type SessionResponse = z.infer<typeof SessionResponseSchema>;
