/**
 * The OpenAI error shape, used on /v1 only: `{ error: { message, type, code, param } }`. `code` is Pagewise's
 * stable code in lower case (`model_not_found`, `unsupported_parameter`, `validation_error`, `csrf`, …), except
 * where OpenAI clients know a code of their own: `invalid_api_key` (401) and `rate_limit_exceeded` (429).
 */
import type { ErrorCode, OpenAIErrorBody } from '@pagewise/shared';

const OPENAI_CODES: Partial<Record<ErrorCode, string>> = { UNAUTHENTICATED: 'invalid_api_key', RATE_LIMITED: 'rate_limit_exceeded' };

const API_KEY_MESSAGE = "The API key is missing or wrong: use this instance's access token (ACCESS_TOKEN) as the API key (Authorization: Bearer <token>).";

/** HTTP status of an answer that failed before it was sent whole (a non-streamed completion). */
const ANSWER_FAILURE_STATUS: Partial<Record<ErrorCode, number>> = {
  LLM_RATE_LIMITED: 429,
  LLM_UNAVAILABLE: 502,
  LLM_BAD_RESPONSE: 502,
  LLM_REJECTED: 502,
  LLM_TIMEOUT: 504,
  SHUTTING_DOWN: 503,
  INSUFFICIENT_STORAGE: 507,
};

export const answerFailureStatus = (code: ErrorCode): number => ANSWER_FAILURE_STATUS[code] ?? 500;

function typeOf(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  if (status === 403) return 'permission_error';
  return 'invalid_request_error';
}

export function openAIErrorBody(code: ErrorCode, message: string, status: number, param: string | null = null): OpenAIErrorBody {
  return {
    error: {
      message: code === 'UNAUTHENTICATED' ? API_KEY_MESSAGE : message,
      type: typeOf(status),
      code: OPENAI_CODES[code] ?? code.toLowerCase(),
      param,
    },
  };
}

/** Whether a request is for the OpenAI-compatible endpoint, whose errors take the OpenAI shape. */
export const isOpenAIPath = (path: string): boolean => /^\/v1(?:[/?#]|$)/.test(path);
