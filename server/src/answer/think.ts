/**
 * Separates reasoning from the answer in a content stream. R1-style models served by llama.cpp, LM Studio or
 * vLLM without a reasoning parser put their reasoning inside `<think>…</think>` in the content itself; DeepSeek's
 * API sends it apart as `reasoning_content`. Tags may be split across deltas, so a possible partial tag at the
 * end of a delta is held back until the next one decides it.
 */
const OPEN = '<think>';
const CLOSE = '</think>';

export interface SplitDelta {
  reasoning: string;
  answer: string;
}

export class ThinkSplitter {
  private buf = '';
  private inThink = false;
  /** Answer text has begun (since the start or the last `</think>`); leading whitespace before it is dropped. */
  private started = false;

  push(delta: string): SplitDelta {
    this.buf += delta;
    const out: SplitDelta = { reasoning: '', answer: '' };
    for (;;) {
      const tag = this.inThink ? CLOSE : OPEN;
      const i = this.buf.indexOf(tag);
      if (i >= 0) {
        this.emit(out, this.buf.slice(0, i));
        this.buf = this.buf.slice(i + tag.length);
        this.inThink = !this.inThink;
        if (!this.inThink) this.started = false; // whitespace right after </think> is dropped too
        continue;
      }
      // Hold back a suffix that could be the start of the tag.
      let keep = 0;
      for (let k = Math.min(tag.length - 1, this.buf.length); k > 0; k--) {
        if (tag.startsWith(this.buf.slice(this.buf.length - k))) {
          keep = k;
          break;
        }
      }
      this.emit(out, this.buf.slice(0, this.buf.length - keep));
      this.buf = this.buf.slice(this.buf.length - keep);
      return out;
    }
  }

  flush(): SplitDelta {
    const out: SplitDelta = { reasoning: '', answer: '' };
    this.emit(out, this.buf);
    this.buf = '';
    return out;
  }

  private emit(out: SplitDelta, text: string): void {
    if (!text) return;
    if (this.inThink) out.reasoning += text;
    else {
      // Leading whitespace (e.g. the `\n\n` after `</think>`) is dropped however the deltas split it.
      if (!this.started) text = text.trimStart();
      if (!text) return;
      this.started = true;
      out.answer += text;
    }
  }
}

/** Remove reasoning blocks from a complete text (for history sent back to a model, and utility-call output). */
export function stripThink(text: string): string {
  return text
    .replace(/<think>[\s\S]*?(<\/think>|$)/g, '')
    .replace(/^[\s\S]*?<\/think>/, '')
    .trim();
}
