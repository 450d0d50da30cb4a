// The admin's code export as CSV: one row per code, its tier named by code.
import type { CodeView } from "@stampede/shared/api/codes";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";

const header = ["code", "kind", "uses", "used", "held", "percent_off", "tier", "valid_from", "valid_until", "batch"];

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function field(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function codesCsv(event: Pick<EventRecord, "classes">, codes: readonly CodeView[]): string {
  const tierCode = (id: string | null) => (id === null ? null : (event.classes.find((c) => c.id === id)?.code ?? id));
  const lines = codes.map((c) =>
    [c.code, c.kind, c.uses, c.used, c.held, c.percentOff, tierCode(c.tierId), c.validFrom, c.validUntil, c.batchId]
      .map(field)
      .join(","),
  );
  return [header.join(","), ...lines].join("\r\n") + "\r\n";
}
