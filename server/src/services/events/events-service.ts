// Events: create (rows in PostgreSQL, then accounts in the ledger), read with live stock, move
// through the status workflow, tune admission. Outcomes are tagged, never thrown.
import type { CreateEventInput, EventStatus, EventView, PaymentProviderName } from "@stampede/shared/api/events";
import { canTransition } from "@stampede/shared/core/event-status";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { AdmissionSettingsPatch, EventRecord, EventsRepo } from "../../adapters/postgres/events-repo.js";
import { readStock, setUpEventLedger, type EventStock } from "./inventory.js";
import { DomainError } from "../errors.js";

export type TransitionOutcome =
  | { kind: "moved"; event: EventView }
  | { kind: "not_found" }
  | { kind: "invalid_transition"; from: EventStatus; to: EventStatus };

/** A status change made here (an admin's move), for whoever must tell the fans at once. */
export type StatusListener = (change: { eventId: string; status: EventStatus; atMs: number }) => void;

/** Admission retuned here (rate, checkout slots): the event as it is now, for the ticker. */
export type AdmissionListener = (record: EventRecord) => void;

export type AdmissionPatch = AdmissionSettingsPatch;

export type TuneOutcome =
  { kind: "tuned"; record: EventRecord } | { kind: "not_found" } | { kind: "floor_above_ceiling" };

export class EventsService {
  private readonly statusListeners = new Set<StatusListener>();
  private readonly admissionListeners = new Set<AdmissionListener>();

  constructor(
    readonly repo: EventsRepo,
    private readonly ledger: Ledger,
    /** The providers this install is configured for: an event may only choose one of them. */
    private readonly paymentProviders: readonly PaymentProviderName[] = ["mockpay"],
  ) {}

  async create(input: CreateEventInput): Promise<EventView> {
    if (!this.paymentProviders.includes(input.paymentProvider)) {
      const message = `payment provider ${input.paymentProvider} is not configured on this server`;
      const issues = [{ field: "body.paymentProvider", message }];
      throw new DomainError("invalid_request", `body.paymentProvider: ${message}`, { details: { issues } });
    }
    const record = await this.repo.create(input);
    await this.ensureLedger(record);
    return this.view(record);
  }

  /** Set-up is re-run until it has succeeded once (a ledger outage during create leaves it pending). */
  async ensureLedger(record: EventRecord): Promise<void> {
    if (record.ledgerReady) return;
    await setUpEventLedger(this.ledger, record);
    await this.repo.markLedgerReady(record.id);
    record.ledgerReady = true;
  }

  async get(id: string): Promise<EventRecord | null> {
    return this.repo.get(id);
  }

  async list(statuses?: readonly EventStatus[]): Promise<EventRecord[]> {
    return this.repo.list(statuses);
  }

  async view(record: EventRecord): Promise<EventView> {
    const [view] = await this.views([record]);
    if (!view) throw new Error("views() returned nothing for one record");
    return view;
  }

  async views(records: readonly EventRecord[]): Promise<EventView[]> {
    for (const r of records) await this.ensureLedger(r);
    const stock = await readStock(this.ledger, records);
    return records.map((r) => toView(r, stock.get(r.id)));
  }

  /** Calls the listener after each status change made by transition(); returns the unsubscribe. */
  onStatusChange(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Calls the listener after each change made by tuneAdmission(); returns the unsubscribe. */
  onAdmissionChange(listener: AdmissionListener): () => void {
    this.admissionListeners.add(listener);
    return () => this.admissionListeners.delete(listener);
  }

  /** Retunes admission; this node's ticker admits at the new rate from its next tick (the others
   * within their refresh of the live events). A rate given without a mode is a fixed rate (manual),
   * as an operator who names one means it. */
  async tuneAdmission(id: string, patch: AdmissionPatch): Promise<TuneOutcome> {
    const admission = patch.admission ?? (patch.admitPerMinute !== undefined ? "manual" : undefined);
    const written = await this.repo.updateAdmission(id, { ...patch, admission });
    const record = await this.repo.get(id);
    if (!record) return { kind: "not_found" };
    if (!written) return { kind: "floor_above_ceiling" };
    for (const listener of this.admissionListeners) listener(record);
    return { kind: "tuned", record };
  }

  async transition(id: string, to: EventStatus): Promise<TransitionOutcome> {
    const record = await this.repo.get(id);
    if (!record) return { kind: "not_found" };
    if (!canTransition(record.status, to) || !(await this.repo.setStatus(id, record.status, to))) {
      return { kind: "invalid_transition", from: record.status, to };
    }
    for (const listener of this.statusListeners) listener({ eventId: id, status: to, atMs: Date.now() });
    return { kind: "moved", event: await this.view({ ...record, status: to }) };
  }
}

function toView(r: EventRecord, stock: EventStock | undefined): EventView {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    venue: r.venue,
    startsAt: r.startsAt,
    status: r.status,
    paymentProvider: r.paymentProvider,
    waitingRoom: r.waitingRoom,
    classes: r.classes.map((c) => {
      const s = stock?.classes.get(c.id) ?? { available: 0, held: 0, sold: 0 };
      return { ...c, available: s.available, held: s.held, sold: s.sold };
    }),
    perks: r.perks.map((p) => ({ ...p, granted: stock?.perks.get(p.id)?.granted ?? 0 })),
  };
}
