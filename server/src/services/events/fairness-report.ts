// The fairness audit of one event: this node's buffered admission facts written first (so a report
// right after a sale sees them; other nodes' reach PostgreSQL within a second), then the records
// and orders read, then the figures computed (shared/src/core/fairness.ts).
import { LRUCache } from "lru-cache";
import type { Clock } from "@stampede/shared/ports/clock";
import { fairnessSummaryCacheMs } from "@stampede/shared/limits";
import type { FairnessReportView, FairnessSummary } from "@stampede/shared/api/fairness";
import { fairnessRecord, fairnessSummary } from "@stampede/shared/core/fairness";
import type { AdmissionRecordsRepo } from "../../adapters/postgres/admission-records-repo.js";
import type { AdmissionRecorder } from "../waiting-room/admission-recorder.js";

/** Events whose public summary is kept: more than the sales that run at once. */
const summaryCacheEvents = 1_000;

export class FairnessReports {
  /** The public summary reads every fan of the event: computed once per event per few seconds, not per board. */
  private readonly summaries = new LRUCache<string, Promise<FairnessSummary>>({
    max: summaryCacheEvents,
    ttl: fairnessSummaryCacheMs,
  });

  constructor(
    private readonly records: Pick<AdmissionRecordsRepo, "fairnessInput">,
    private readonly recorder: Pick<AdmissionRecorder, "flush">,
    private readonly now: Clock = Date.now,
  ) {}

  /** The figures and one record per fan (the admin's JSON export). */
  async report(eventId: string): Promise<FairnessReportView> {
    await this.recorder.flush();
    const { rows, soldOutAtMs } = await this.records.fairnessInput(eventId);
    return { ...fairnessSummary(eventId, rows, soldOutAtMs, this.now()), records: rows.map(fairnessRecord) };
  }

  /** The figures alone: no fan ids (the public transparency board). */
  summary(eventId: string): Promise<FairnessSummary> {
    let summary = this.summaries.get(eventId);
    if (!summary) {
      summary = this.computeSummary(eventId);
      this.summaries.set(eventId, summary);
      summary.catch(() => this.summaries.delete(eventId)); // a failed read is not kept
    }
    return summary;
  }

  private async computeSummary(eventId: string): Promise<FairnessSummary> {
    await this.recorder.flush();
    const { rows, soldOutAtMs } = await this.records.fairnessInput(eventId);
    return fairnessSummary(eventId, rows, soldOutAtMs, this.now());
  }
}
