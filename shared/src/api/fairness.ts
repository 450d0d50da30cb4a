// The fairness audit's answers: `GET /api/events/:id/fairness` (public: aggregate figures only, no
// fan ids) and `GET /api/admin/events/:id/fairness` (the same figures and one record per fan, the
// JSON export). The figures are computed by shared/src/core/fairness.ts from the admission records.
import { z } from "zod";

const count = z.int().min(0);
const share = z.number().min(0).max(1).nullable();
const utcTime = z.iso.datetime();
const ms = z.number().min(0).nullable();

export const fanOutcomes = ["bought", "held_not_bought", "admitted_no_hold", "left", "never_admitted"] as const;
export type FanOutcome = (typeof fanOutcomes)[number];

export const fairnessSummary = z.strictObject({
  eventId: z.string(),
  generatedAt: utcTime,
  fans: z.strictObject({
    joined: count,
    admitted: count,
    /** Fans by outcome (bought … never_admitted): each fan once. */
    outcomes: z.strictObject(
      Object.fromEntries(fanOutcomes.map((o) => [o, count])) as Record<FanOutcome, typeof count>,
    ),
  }),
  /** Pairs where a later queue number was admitted strictly before an earlier one (I5: 0). */
  inversions: count,
  /** Time in line of admitted fans, join to admission. */
  timeInLine: z.strictObject({ samples: count, p50Ms: ms, p90Ms: ms, p99Ms: ms }),
  /** Joined but never admitted: left the line, or still waiting when the report was made. */
  dropOff: z.strictObject({ leftBeforeAdmission: count, neverAdmitted: count, rate: share }),
  /** Admitted fans who paid an order. */
  conversion: z.strictObject({ admitted: count, bought: count, rate: share }),
  /** Fans with a queue number in ten equal slices of the line, first slice first. */
  deciles: z.array(z.strictObject({ decile: z.int().min(1).max(10), fans: count, buyers: count, tickets: count })),
  /** When the last ticket was sold (from the paid orders); null while tickets are left. */
  soldOutAt: utcTime.nullable(),
  admittedAfterSoldOut: count,
  /** Up to a few hundred admitted fans evenly spread over the line: queue number against seconds
   * since the first admission (the admin page's chart). */
  admissionOrder: z.array(z.strictObject({ queueNumber: z.int().min(1), afterFirstMs: z.number().min(0) })),
});
export type FairnessSummary = z.output<typeof fairnessSummary>;

export const fairnessRecord = z.strictObject({
  fanId: z.string(),
  queueNumber: z.int().min(1).nullable(),
  joinedAt: utcTime.nullable(),
  admittedAt: utcTime.nullable(),
  leftAt: utcTime.nullable(),
  outcome: z.enum(fanOutcomes),
  ticketsBought: count,
});
export type FairnessRecord = z.output<typeof fairnessRecord>;

export const fairnessReportView = fairnessSummary.extend({ records: z.array(fairnessRecord) });
export type FairnessReportView = z.output<typeof fairnessReportView>;

export const fairnessQuery = z.object({ download: z.enum(["0", "1"]).optional() });
