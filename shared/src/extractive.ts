/**
 * The line that opens every answer written without a model (the extractive answer: the best passages, cited), so
 * that clients can tell such an answer from a written one, live or stored, and show the notice once.
 */
export const NO_MODEL_NOTE =
  'No language model is configured, so these are the most relevant passages from your documents rather than a written answer. To get written answers, set LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY) to a DeepSeek/OpenAI-compatible endpoint such as Ollama; see the README.';
