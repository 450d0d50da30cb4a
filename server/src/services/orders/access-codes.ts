// Presale and promo codes: made in batches (ledger accounts funded with their uses, then the rows),
// listed with the ledger's counts, and checked for a hold — the hold itself takes one use, linked
// with its tickets (ledger-plans.ts planHold codeId), so n-use codes sell exactly n orders however
// many fans race for them.
import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { CodeBatchInput, CodeBatchView, CodeListView, CodeView, PresaleView } from "@stampede/shared/api/codes";
import { codeRefusal, discountedCents, newCode, normalizeCode, presaleOpen } from "@stampede/shared/core/codes";
import { accountId } from "@stampede/shared/core/ledger-ids";
import { planCodeFunding } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Clock } from "@stampede/shared/ports/clock";
import type { CodeRecord, CodesRepo, NewCode } from "../../adapters/postgres/codes-repo.js";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { OrderItem } from "../../adapters/postgres/orders-repo.js";
import { DomainError } from "../errors.js";

/** Codes made per ledger request and per insert. */
const chunk = 1_000;
/** How long a node trusts its reading of an event's presale window (an edit reaches every node within it). */
const presaleCacheMs = 1_000;

/** The code a hold is placed with, and its items at the code's price. */
export interface CodeForHold {
  codeId: string;
  code: string;
  items: OrderItem[];
}

export interface AccessCodesDeps {
  repo: CodesRepo;
  ledger: Ledger;
  now?: Clock;
  random?: (n: number) => Uint8Array;
}

export class AccessCodes {
  private readonly now: Clock;
  private readonly random: (n: number) => Uint8Array;
  private readonly presales = new LRUCache<string, Promise<string | null>>({ max: 10_000, ttl: presaleCacheMs });

  constructor(private readonly deps: AccessCodesDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? ((n) => randomBytes(n));
  }

  /** Makes `count` codes alike: their ledger accounts first (funded with their uses), then their rows. */
  async createBatch(event: EventRecord, input: CodeBatchInput): Promise<CodeBatchView> {
    if (input.tierId !== undefined && !event.classes.some((c) => c.id === input.tierId))
      throw new DomainError("invalid_request", "body.tierId: not a tier of this event");
    const batchId = uuidv7();
    let left = input.count;
    while (left > 0) {
      const codes = Array.from({ length: Math.min(left, chunk) }, (): NewCode => this.fresh(event, input, batchId));
      const funding = planCodeFunding(
        event.ledger,
        codes.map((c) => ({ codeId: c.id, uses: c.uses })),
      );
      await this.deps.ledger.createAccounts(funding.accounts);
      await this.deps.ledger.createTransfers(funding.transfers);
      // A code that collided with one taken is skipped (its ledger account stays, unused) and made again.
      left -= (await this.deps.repo.insert(codes)).size;
    }
    return { batchId, created: input.count };
  }

  private fresh(event: EventRecord, input: CodeBatchInput, batchId: string): NewCode {
    return {
      ...{ id: uuidv7(), eventId: event.id, code: newCode(input.prefix, this.random), kind: input.kind },
      ...{ uses: input.uses, percentOff: input.percentOff ?? null, tierId: input.tierId ?? null },
      ...{ validFrom: input.validFrom, validUntil: input.validUntil, batchId },
    };
  }

  /** A page of the event's codes with their uses as the ledger counts them. */
  async list(
    event: EventRecord,
    opts: { after: string | null; limit: number; batchId?: string },
  ): Promise<CodeListView> {
    const records = await this.deps.repo.list(event.id, opts);
    const codes = await this.withUses(event, records);
    const last = records.length === opts.limit ? records[records.length - 1] : undefined;
    return { codes, nextCursor: last ? last.id : null };
  }

  private async withUses(event: EventRecord, records: readonly CodeRecord[]): Promise<CodeView[]> {
    const ids = records.map((r) => accountId("code", event.ledger, r.id));
    const accounts = new Map((await this.deps.ledger.lookupAccounts(ids)).map((a) => [a.id, a]));
    return records.map((r, i) => {
      const account = accounts.get(ids[i]!);
      const { eventId: _, ...rest } = r;
      // Uses given back (refunded orders) are credits beyond the funding: used = posted − given back.
      const given = account ? account.credits_posted - BigInt(r.uses) : 0n;
      const used = (account?.debits_posted ?? 0n) - (given > 0n ? given : 0n);
      return { ...rest, used: Number(used), held: Number(account?.debits_pending ?? 0n) };
    });
  }

  /** The event's presale window as fans see it. */
  async presale(eventId: string): Promise<PresaleView> {
    const endsAt = await this.presaleEnd(eventId);
    return { endsAt, open: presaleOpen(endsAt === null ? null : Date.parse(endsAt), this.now()) };
  }

  async setPresale(eventId: string, endsAt: string | null): Promise<PresaleView> {
    await this.deps.repo.setPresaleEnd(eventId, endsAt === null ? null : new Date(endsAt).toISOString());
    this.presales.delete(eventId);
    return this.presale(eventId);
  }

  private presaleEnd(eventId: string): Promise<string | null> {
    let end = this.presales.get(eventId);
    if (!end) {
      end = this.deps.repo.presaleEnd(eventId);
      this.presales.set(eventId, end);
      end.catch(() => this.presales.delete(eventId));
    }
    return end;
  }

  /**
   * The code a hold is placed with, checked against the event, its window and the order's tiers,
   * and the items at its price; null when none is given and none is needed. While the presale is
   * open a presale code is needed (403 code_required). Its uses are left to the ledger.
   */
  async forHold(event: EventRecord, typed: string | undefined, items: OrderItem[]): Promise<CodeForHold | null> {
    const { open } = await this.presale(event.id);
    if (typed === undefined || typed.trim() === "") {
      if (open) throw new DomainError("code_required", "the presale is on: enter your presale code to buy tickets");
      return null;
    }
    const normal = normalizeCode(typed);
    const rule = normal === null ? null : await this.deps.repo.byCode(normal);
    const use = { eventId: event.id, nowMs: this.now(), presaleOpen: open, tierIds: items.map((i) => i.classId) };
    const reason = rule === null ? "unknown" : codeRefusal(ruleOf(rule), use);
    if (reason !== null || rule === null)
      throw new DomainError("code_invalid", refusalWords[reason ?? "unknown"], { details: { reason } });
    const priced = items.map((i) =>
      rule.tierId === null || rule.tierId === i.classId
        ? { ...i, unitPriceCents: discountedCents(i.unitPriceCents, rule.percentOff) }
        : i,
    );
    return { codeId: rule.id, code: rule.code, items: priced };
  }
}

const ruleOf = (r: CodeRecord) => ({
  ...{ eventId: r.eventId, kind: r.kind, percentOff: r.percentOff, tierId: r.tierId },
  validFromMs: r.validFrom === null ? null : Date.parse(r.validFrom),
  validUntilMs: r.validUntil === null ? null : Date.parse(r.validUntil),
});

const refusalWords = {
  unknown: "no such code: check it and try again",
  other_event: "this code is for another event",
  outside_window: "this code is not valid at this time",
  presale_over: "the presale is over: buy without the presale code",
  presale_only: "only presale codes can be used during the presale",
  wrong_tier: "this code is for a tier not in your order",
} as const;
