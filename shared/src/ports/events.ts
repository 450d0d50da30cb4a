// The events store as ending a hold needs it: which ledger an event's stock is booked in.
export interface EventLedgerLookup {
  get(eventId: string): Promise<{ ledger: number } | null>;
}
