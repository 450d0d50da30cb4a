// Event, tier and perk shapes of the public contract, shared by server (validation) and client.
import { z } from "zod";
import { holdSecondsMax, holdSecondsMin } from "../limits.js";

export const eventStatuses = ["draft", "scheduled", "on_sale", "paused", "sold_out", "closed", "cancelled"] as const;
export type EventStatus = (typeof eventStatuses)[number];

export const queueModes = ["fifo", "lottery"] as const;

const code = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "letters, digits, _ and - (1–32)");
const isoTime = z.iso.datetime({ offset: true });

export const classInput = z.object({
  code,
  name: z.string().min(1).max(100),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD").default("USD"),
  capacity: z.number().int().min(1).max(10_000_000),
  perOrderMax: z.number().int().min(1).max(100).default(4),
});

export const perkInput = z.object({
  code,
  name: z.string().min(1).max(100),
  capacity: z.number().int().min(1).max(10_000_000),
});

export const waitingRoomInput = z.object({
  mode: z.enum(queueModes).default("fifo"),
  opensAt: isoTime.nullable().default(null),
  admitPerMinute: z.number().int().min(1).max(1_000_000).default(600),
  maxActiveCheckouts: z.number().int().min(1).max(1_000_000).default(200),
  admissionTtlSeconds: z.number().int().min(10).max(24 * 3600).default(600),
  holdSeconds: z.number().int().min(holdSecondsMin).max(holdSecondsMax).default(300),
  perFanMax: z.number().int().min(1).max(100).default(6),
  endAdmissionOnPaid: z.boolean().default(true),
});

export const createEventInput = z
  .object({
    name: z.string().min(1).max(200),
    slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/, "lowercase letters, digits and dashes").optional(),
    venue: z.string().max(200).default(""),
    startsAt: isoTime.nullable().default(null),
    status: z.enum(["draft", "scheduled", "on_sale"]).default("draft"),
    classes: z.array(classInput).min(1).max(20),
    perks: z.array(perkInput).max(10).default([]),
    waitingRoom: waitingRoomInput.default(waitingRoomInput.parse({})),
  })
  .superRefine((e, ctx) => {
    const dupes = (codes: string[]) => codes.filter((c, i) => codes.indexOf(c) !== i);
    for (const c of dupes(e.classes.map((x) => x.code))) ctx.addIssue({ code: "custom", path: ["classes"], message: `duplicate class code ${c}` });
    for (const c of dupes(e.perks.map((x) => x.code))) ctx.addIssue({ code: "custom", path: ["perks"], message: `duplicate perk code ${c}` });
    // One order is one payment in one currency.
    if (new Set(e.classes.map((c) => c.currency)).size > 1) ctx.addIssue({ code: "custom", path: ["classes"], message: "every ticket class of an event must use the same currency" });
    e.classes.forEach((c, i) => {
      if (c.perOrderMax > e.waitingRoom.perFanMax) {
        ctx.addIssue({ code: "custom", path: ["classes", i, "perOrderMax"], message: "cannot exceed waitingRoom.perFanMax" });
      }
    });
  });
export type CreateEventInput = z.output<typeof createEventInput>;

export interface ClassView {
  id: string;
  code: string;
  name: string;
  priceCents: number;
  currency: string;
  capacity: number;
  perOrderMax: number;
  available: number;
  held: number;
  sold: number;
}

export interface PerkView {
  id: string;
  code: string;
  name: string;
  capacity: number;
  granted: number;
}

export interface WaitingRoomSettings {
  mode: (typeof queueModes)[number];
  opensAt: string | null;
  admitPerMinute: number;
  maxActiveCheckouts: number;
  admissionTtlSeconds: number;
  holdSeconds: number;
  perFanMax: number;
  endAdmissionOnPaid: boolean;
}

export interface EventView {
  id: string;
  slug: string;
  name: string;
  venue: string;
  startsAt: string | null;
  status: EventStatus;
  waitingRoom: WaitingRoomSettings;
  classes: ClassView[];
  perks: PerkView[];
}
