/**
 * Which language a short text is written in, as far as fusion needs to know: Chinese (and other CJK), German or
 * English. Scripts decide CJK; between the two Latin-script languages, German's function words and letters decide.
 * Good enough to tell a question's language from a passage's, not a general language identifier.
 */
import { CJK_LETTER_RE } from '../cjk.js';

export type TextLanguage = 'zh' | 'de' | 'en';

const CJK_GLOBAL_RE = new RegExp(CJK_LETTER_RE.source, 'gu');
/** Function words of each language; words both share ("in", "an", "was") count for neither. */
const GERMAN_WORDS = new Set(
  ('der die das und ist nicht ein eine einer eines einem den dem des mit von zu für auf sich auch wird werden ' +
    'wurde wie welche welcher welches wann warum wer wo bei beim nach über unter oder sind aus im zum zur vom ' +
    'ins am um dass hat haben kein keine wenn als noch nur')
    .split(' '),
);
const ENGLISH_WORDS = new Set(
  'the and is are were of to for on with by what which when why who how does did this that from at as be'.split(' '),
);

export function textLanguage(text: string): TextLanguage {
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  const cjk = sample.match(CJK_GLOBAL_RE)?.length ?? 0;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters > 0 && cjk / letters > 0.3) return 'zh';
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  let de = /[äöüß]/.test(sample.toLowerCase()) ? 1 : 0;
  let en = 0;
  for (const w of words) {
    if (GERMAN_WORDS.has(w)) de++;
    if (ENGLISH_WORDS.has(w)) en++;
  }
  return de > en ? 'de' : 'en';
}
