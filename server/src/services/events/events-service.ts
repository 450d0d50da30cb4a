// Events: create (rows in PostgreSQL, then accounts in the ledger), read with live stock, move
// through the status workflow, tune admission, edit. Outcomes are tagged, never thrown — except an
// edit's refusals, which are DomainErrors (they must roll its transaction back).
import type {
  CreateEventInput,
  EventEditInput,
  EventStatus,
  EventView,
  PaymentProviderName,
} from "@stampede/shared/api/events";
import { canTransition } from "@stampede/shared/core/event-status";
import { capacityOutcome, planCapacityChange } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Transactions } from "@stampede/shared/ports/transaction";
import type { AdmissionSettingsPatch, EventRecord, EventsRepo } from "../../adapters/postgres/events-repo.js";
import { readStock, setUpEventLedger, type EventStock } from "./inventory.js";
import { belowSold, capacityDeltas, editChanges, refuseEnded, refuseUnknownTiers } from "./event-edit.js";
import { DomainError } from "../errors.js";

export type TransitionOutcome =
  | { kind: "moved"; event: EventView }
  | { kind: "not_found" }
  | { kind: "invalid_transition"; from: EventStatus; to: EventStatus };

/** A status change made here (an admin's move), for whoever must tell the fans at once. */
export type StatusListener = (change: { eventId: string; status: EventStatus; atMs: number }) => void;

/** Admission retuned here (rate, checkout slots): the event as it is now, for the ticker. */
export type AdmissionListener = (record: EventRecord) => void;

/** An edit made here: the event as it is now, for whoever pushes it to open pages. */
export type EditListener = (edited: { record: EventRecord; view: EventView }) => void;

/** Who edits: written to the event's edit history. */
export interface Editor {
  adminId: string | null;
  username: string | null;
}

export type AdmissionPatch = AdmissionSettingsPatch;

export type TuneOutcome =
  { kind: "tuned"; record: EventRecord } | { kind: "not_found" } | { kind: "floor_above_ceiling" };

export class EventsService {
  private readonly statusListeners = new Set<StatusListener>();
  private readonly admissionListeners = new Set<AdmissionListener>();
  private readonly editListeners = new Set<EditListener>();

  constructor(
    readonly repo: EventsRepo,
    private readonly ledger: Ledger,
    /** The providers this install is configured for: an event may only choose one of them. */
    private readonly paymentProviders: readonly PaymentProviderName[] = ["mockpay"],
    /** For edits (the event's row is locked while its capacity moves); a seed script has none. */
    private readonly transactions?: Transactions,
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

  /** Calls the listener after each edit made by edit(); returns the unsubscribe. */
  onEdit(listener: EditListener): () => void {
    this.editListeners.add(listener);
    return () => this.editListeners.delete(listener);
  }

  /**
   * Edits an event. Under a lock on its row (edits of one event run one at a time, so the capacity
   * read from the ledger cannot move under us but by holds, which do not change it), capacities
   * move in the ledger first — one linked batch, so a lowering the ledger refuses changes nothing —
   * then the rows and the edit history are written. A crash between the two leaves the ledger
   * ahead; the next edit starts from the ledger's capacity, so it puts the rows right.
   */
  async edit(id: string, input: EventEditInput, by: Editor): Promise<EventView> {
    const transactions = this.transactions;
    if (!transactions) throw new Error("EventsService.edit needs transactions");
    const before = await this.repo.get(id);
    if (!before) throw new DomainError("not_found", "no such event");
    // Outside the lock: set-up marks the row, which the lock would keep it from doing.
    await this.ensureLedger(before);
    await transactions(async (tx) => {
      const record = await this.repo.lockForEdit(tx, id);
      if (!record) throw new DomainError("not_found", "no such event");
      refuseEnded(record);
      refuseUnknownTiers(record, input);
      const stock = (await readStock(this.ledger, [record])).get(id)?.classes ?? new Map();
      const change = { ledger: record.ledger, editId: uuidv7(), deltas: capacityDeltas(input, stock) };
      const transfers = planCapacityChange(change);
      if (transfers.length > 0) {
        const outcome = capacityOutcome(change, await this.ledger.createTransfers(transfers));
        if (outcome.kind === "below_sold") {
          const asked = input.classes?.find((c) => c.id === outcome.tierId)?.capacity ?? 0;
          const now = (await readStock(this.ledger, [record])).get(id)?.classes.get(outcome.tierId);
          throw belowSold(record, outcome.tierId, asked, now);
        }
        if (outcome.kind === "rejected") throw new Error(`capacity change of event ${id}: ${outcome.status}`);
      }
      const changes = editChanges(record, input);
      await this.repo.applyEdit(tx, id, { ...input, classes: input.classes ?? [] }, { ...by, changes });
    });
    const record = await this.repo.get(id);
    if (!record) throw new DomainError("not_found", "no such event");
    const view = await this.view(record);
    for (const listener of this.editListeners) listener({ record, view });
    return view;
  }

  async transition(id: string, to: EventStatus): Promise<TransitionOutcome> {
    const record = await this.repo.get(id);
    if (!record) return { kind: "not_found" };
    if (!canTransition(record.status, to) || !(await this.repo.setStatus(id, record.status, to))) {
      return { kind: "invalid_transition", from: record.status, to };
    }
    this.statusChanged(id, to);
    return { kind: "moved", event: await this.view({ ...record, status: to }) };
  }

  /** Tells the status listeners of a move made here (transition(), or a cancellation's own transaction). */
  statusChanged(id: string, to: EventStatus): void {
    for (const listener of this.statusListeners) listener({ eventId: id, status: to, atMs: Date.now() });
  }
}

function toView(r: EventRecord, stock: EventStock | undefined): EventView {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    venue: r.venue,
    description: r.description,
    startsAt: r.startsAt,
    status: r.status,
    paymentProvider: r.paymentProvider,
    waitingRoom: r.waitingRoom,
    classes: r.classes.map((c) => {
      // Capacity as the ledger has it: an edit moves it there first (edit()).
      const s = stock?.classes.get(c.id) ?? { capacity: c.capacity, available: 0, held: 0, sold: 0 };
      return { ...c, capacity: s.capacity, available: s.available, held: s.held, sold: s.sold };
    }),
    perks: r.perks.map((p) => ({ ...p, granted: stock?.perks.get(p.id)?.granted ?? 0 })),
  };
}
