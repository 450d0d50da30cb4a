// Presale and promo codes' shapes (the admin's code batches, list and presale window; the public
// presale window; the reasons a code is refused), shared by server and client.
import { z } from "zod";
import { isUuid } from "../ids.js";

export const codeKinds = ["presale", "promo"] as const;
export type CodeKind = (typeof codeKinds)[number];

/** details.reason of a 409 code_invalid. */
export const codeRefusalReasons = [
  "unknown",
  "other_event",
  "outside_window",
  "presale_over",
  "presale_only",
  "wrong_tier",
] as const;
export type CodeRefusalReason = (typeof codeRefusalReasons)[number];

export const codeBatchMax = 10_000;
export const codeUsesMax = 100_000;

const isoTime = z.iso.datetime({ offset: true });
const utcTime = z.iso.datetime();

/** `POST /api/admin/events/:eventId/codes`: a batch of codes alike (presale codes, or promo codes with a percentage off). */
export const codeBatchInput = z
  .strictObject({
    kind: z.enum(codeKinds),
    count: z.int().min(1).max(codeBatchMax).default(1),
    /** Orders each code may be used for (1: single-use). */
    uses: z.int().min(1).max(codeUsesMax).default(1),
    percentOff: z.int().min(1).max(100).optional(),
    /** Promo codes only: the tier the discount is for (none: every tier). */
    tierId: z.string().refine(isUuid, "a tier id of this event").optional(),
    /** Letters and digits the codes start with (e.g. FANCLUB). */
    prefix: z
      .string()
      .regex(/^[0-9A-Za-z]{0,12}$/, "up to 12 letters and digits")
      .transform((p) => p.toUpperCase())
      .default(""),
    validFrom: isoTime.nullable().default(null),
    validUntil: isoTime.nullable().default(null),
  })
  .refine((b) => (b.kind === "promo") === (b.percentOff !== undefined), {
    message: "a promo code takes a percentOff; a presale code none",
    path: ["percentOff"],
  })
  .refine((b) => b.kind === "promo" || b.tierId === undefined, {
    message: "only a promo code is for one tier",
    path: ["tierId"],
  })
  .refine((b) => b.validFrom === null || b.validUntil === null || Date.parse(b.validFrom) < Date.parse(b.validUntil), {
    message: "validFrom must come before validUntil",
    path: ["validUntil"],
  });
export type CodeBatchInput = z.output<typeof codeBatchInput>;

export const codeBatchView = z.strictObject({ batchId: z.string(), created: z.int().min(1) });
export type CodeBatchView = z.output<typeof codeBatchView>;

export const codeView = z.strictObject({
  id: z.string(),
  code: z.string(),
  kind: z.enum(codeKinds),
  uses: z.int(),
  /** Uses taken by paid orders, and by holds still open (the ledger's posted and pending). */
  used: z.int(),
  held: z.int(),
  percentOff: z.int().nullable(),
  tierId: z.string().nullable(),
  validFrom: utcTime.nullable(),
  validUntil: utcTime.nullable(),
  batchId: z.string(),
  createdAt: utcTime,
});
export type CodeView = z.output<typeof codeView>;

/** `GET /api/admin/events/:eventId/codes`: oldest first; nextCursor continues the list. */
export const codeListView = z.strictObject({ codes: z.array(codeView), nextCursor: z.string().nullable() });
export type CodeListView = z.output<typeof codeListView>;

/** `PUT /api/admin/events/:eventId/presale`: until when only fans with a presale code may hold (null: no presale). */
export const presaleInput = z.strictObject({ endsAt: isoTime.nullable() });

/** `GET /api/events/:eventId/presale` and the admin's: the presale's end, and whether it is open now. */
export const presaleView = z.strictObject({ endsAt: utcTime.nullable(), open: z.boolean() });
export type PresaleView = z.output<typeof presaleView>;
