// The rules of an event's fields, in numbers and in words, without zod: the server's schemas
// (api/events.ts) are built from them, and the admin's form checks the same rules before sending,
// so a message under a field always states the rule the server holds it to.
import { holdSecondsMax, holdSecondsMin } from "../limits.js";

export interface WholeRange {
  min: number;
  max: number;
}

export const eventRules = {
  nameLengthMax: 200,
  venueLengthMax: 200,
  descriptionLengthMax: 2000,
  /** Tier and perk names. */
  itemNameLengthMax: 100,
  classesMax: 20,
  perksMax: 10,
  codePattern: /^[A-Za-z0-9_-]{1,32}$/,
  currencyPattern: /^[A-Z]{3}$/,
  priceCents: { min: 0, max: 100_000_000 },
  capacity: { min: 1, max: 10_000_000 },
  perOrderMax: { min: 1, max: 100 },
  admitPerMinute: { min: 1, max: 1_000_000 },
  maxActiveCheckouts: { min: 1, max: 1_000_000 },
  admissionTtlSeconds: { min: 10, max: 24 * 3600 },
  holdSeconds: { min: holdSecondsMin, max: holdSecondsMax },
  perFanMax: { min: 1, max: 100 },
} as const;

const count = (n: number): string => n.toLocaleString("en-US");

/** The rules in words, lower case and without a full stop (the client makes them sentences). */
export const ruleWords = {
  required: "required",
  code: "1 to 32 letters, digits, _ or - (no spaces)",
  currency: "a three-letter currency code such as USD",
  price: "an amount such as 45 or 45.50",
  priceMax: `at most ${count(eventRules.priceCents.max)} in the currency's smallest unit (1,000,000.00 for USD)`,
  textMax: (n: number): string => `at most ${count(n)} characters`,
  floorCeiling: "the floor must not be above the ceiling",
  whole: (range: WholeRange): string => `a whole number from ${count(range.min)} to ${count(range.max)}`,
};

export function inRange(value: number | null, range: WholeRange): boolean {
  return value !== null && Number.isSafeInteger(value) && value >= range.min && value <= range.max;
}

export interface RuleIssue {
  path: Array<string | number>;
  message: string;
}

export interface CrossCheckInput {
  classes: Array<{ code: string; currency: string; perOrderMax: number | undefined }>;
  perks: Array<{ code: string }>;
  perFanMax: number | undefined;
}

/** Rules across fields, each issue on the field to change: a repeated code, a second currency, a per-order limit above the per-fan one. */
export function crossFieldIssues(e: CrossCheckInput): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const repeated = (kind: "classes" | "perks", codes: string[], what: string) =>
    codes.forEach((c, i) => {
      if (codes.indexOf(c) !== i)
        issues.push({ path: [kind, i, "code"], message: `another ${what} already has the code ${c}` });
    });
  repeated(
    "classes",
    e.classes.map((c) => c.code),
    "tier",
  );
  repeated(
    "perks",
    e.perks.map((p) => p.code),
    "perk",
  );
  const first = e.classes[0]?.currency;
  // One order is one payment in one currency.
  e.classes.forEach((c, i) => {
    if (i > 0 && c.currency !== first)
      issues.push({
        path: ["classes", i, "currency"],
        message: `every tier of an event uses the same currency (the first tier's ${first ?? ""})`,
      });
    if (c.perOrderMax !== undefined && e.perFanMax !== undefined && c.perOrderMax > e.perFanMax) {
      issues.push({ path: ["classes", i, "perOrderMax"], message: `at most the tickets per fan (${e.perFanMax})` });
    }
  });
  return issues;
}
