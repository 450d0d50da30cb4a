// Checks typed form fields against the shared event rules (@stampede/shared/api/event-rules),
// collecting one message per field, keyed like the server's 422 ("classes.0.capacity") and worded
// the same way the server's message reads once plainIssue() has made it a sentence.
import { inRange, ruleWords, type WholeRange } from "@stampede/shared/api/event-rules";
import { plainIssue, wholeNumber, type FieldErrors } from "./field-errors.js";

export class FormCheck {
  readonly errors: FieldErrors = {};

  /** The first problem of a field wins. */
  fail(key: string, words: string): void {
    this.errors[key] ??= plainIssue(words);
  }

  /** Required text of at most `max` characters, trimmed. */
  text(key: string, value: string, max: number): string {
    const t = value.trim();
    if (t === "") this.fail(key, ruleWords.required);
    else if (t.length > max) this.fail(key, ruleWords.textMax(max));
    return t;
  }

  /** Trimmed text that must match `pattern`. */
  pattern(key: string, value: string, pattern: RegExp, words: string): string {
    const t = value.trim();
    if (!pattern.test(t)) this.fail(key, words);
    return t;
  }

  /** A whole number in `range`, or undefined (and the rule under the field). */
  whole(key: string, value: string, range: WholeRange): number | undefined {
    const n = wholeNumber(value);
    if (n === null || !inRange(n, range)) {
      this.fail(key, ruleWords.whole(range));
      return undefined;
    }
    return n;
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}
