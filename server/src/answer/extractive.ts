/** The answer without a model: the best passages, each cited, after one clear line saying why. */
import type { Citation, Source } from '@pagewise/shared';

export const NO_MODEL_NOTE =
  'No language model is configured, so these are the most relevant passages from your documents rather than a written answer. To get written answers, set LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY) to a DeepSeek/OpenAI-compatible endpoint such as Ollama; see the README.';

export function extractiveAnswer(sources: Source[]): { text: string; citations: Citation[] } {
  if (sources.length === 0) {
    return { text: `${NO_MODEL_NOTE}\n\nNothing in your documents matched this question.`, citations: [] };
  }
  const shown = sources.slice(0, 3);
  const lines = shown.map((s) => {
    const snippet = s.text.replace(/\s+/g, ' ').trim();
    const cut = snippet.length > 400 ? `${snippet.slice(0, 400).replace(/\s+\S*$/, '')} …` : snippet;
    return `- **${s.documentName.replace(/[*_`[\]]/g, '')}, page ${s.pageLabel ?? s.page}**: ${cut} [${s.n}]`;
  });
  return { text: `${NO_MODEL_NOTE}\n\n${lines.join('\n')}`, citations: shown };
}
