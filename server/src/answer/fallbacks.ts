/**
 * Fallbacks for models that break the answer rules (small open-weight models often do): an answer that cites
 * no passage is marked as such, unless it says the documents do not hold the answer.
 */

/** Appended to an answer that cites no passage; the passages the model was given are shown as sources. */
export const NO_CITATION_NOTE =
  '_The model cited none of your documents for this answer, so it may not come from them: check it against the sources listed with it._';

/** The product's wording for "the documents do not say", as the prompt asks for it. */
export const ABSTENTION = 'This is not in your documents.';

/** Common ways of saying "the documents do not say" (English and German: the languages the prompt is tested in). */
const ABSTAIN_RE =
  /not in (?:your|the) (?:documents|passages)|(?:documents?|passages?|reports?|sources?) (?:do(?:es)? not|don't|doesn't) (?:contain|mention|say|include|state|provide|answer)|no (?:information|mention) (?:about|of|on)|(?:is|are) not (?:mentioned|stated|provided|given)|(?:cannot|can't|could not) (?:find|answer)|nicht in (?:Ihren|den) (?:Dokumenten|Passagen)|(?:Dokumente|Passagen) (?:enthalten|nennen|erwähnen) (?:das |dies |diese \w+ )?nicht/i;

export function isAbstention(answer: string): boolean {
  return ABSTAIN_RE.test(answer);
}

/** The note to append to a finished answer, or '' when none is needed. */
export function uncitedNote(answer: string, cited: number): string {
  if (cited > 0 || !answer.trim() || isAbstention(answer)) return '';
  return `\n\n${NO_CITATION_NOTE}`;
}

/** The answer when the model wrote its instructions back instead of answering (a base model does). */
export const ECHO_NOTE =
  '_The model repeated its instructions instead of answering, so there is no written answer: the passages found for your question are listed under Sources._';

const ECHO_PROBE = 48;
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Holds back the first characters of an answer until it is clear whether the model is copying the prompt's own
 * text (rules, reminder). Short answers are never taken for an echo.
 */
export class EchoGuard {
  private held = '';
  private decided = false;
  echoed = false;

  constructor(private readonly prompts: string[]) {}

  push(text: string): string {
    if (this.decided) return text;
    this.held += text;
    return squash(this.held).length < ECHO_PROBE ? '' : this.decide();
  }

  flush(): string {
    return this.decided ? '' : this.decide();
  }

  private decide(): string {
    this.decided = true;
    const head = squash(this.held).slice(0, ECHO_PROBE);
    this.echoed = head.length >= ECHO_PROBE && this.prompts.some((p) => squash(p).includes(head));
    const out = this.echoed ? '' : this.held;
    this.held = '';
    return out;
  }
}
