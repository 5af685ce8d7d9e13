/** The answer without a model: the best passages, whole and cited, after one clear line saying why. */
import { NO_MODEL_NOTE, pageRef, type Citation, type Source } from '@pagewise/shared';

export { NO_MODEL_NOTE };

export function extractiveAnswer(sources: Source[]): { text: string; citations: Citation[] } {
  if (sources.length === 0) {
    return { text: `${NO_MODEL_NOTE}\n\nNothing in your documents matched this question.`, citations: [] };
  }
  const shown = sources.slice(0, 3);
  // Whole passages: a figure at the end of a table (a total) must not be cut off.
  const lines = shown.map((s) => `- **${s.documentName.replace(/[*_`[\]]/g, '')}, ${pageRef(s.page, s.pageLabel)}**: ${s.text.replace(/\s+/g, ' ').trim()} [${s.n}]`);
  return { text: `${NO_MODEL_NOTE}\n\n${lines.join('\n')}`, citations: shown };
}
