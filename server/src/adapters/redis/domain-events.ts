// Domain events on a Redis Stream: whoever changes an order (a server node, a worker) appends
// one; every server node reads the stream and pushes to its own sockets (order:update to the
// fan, the sales feed to admins). Workers never talk to sockets directly.
import type { DomainEvent, DomainEventPublisher, DomainEventType } from "@stampede/shared/ports/domain-events";
import { coalesce, type Coalesced } from "../batching/coalesce.js";
import { redisKey, type Redis } from "./connection.js";
import type { Logger } from "../../logger.js";

export type { DomainEvent, DomainEventType };

/** Entries kept in the stream: enough for any node that blinks to catch up, bounded memory. */
const streamMaxLen = 10_000;
/** How long a publish may wait for Redis before it is reported as not published. */
const appendDeadlineMs = 5_000;
const readBlockMs = 2_000;

export function domainStreamKey(prefix: string): string {
  return redisKey(prefix, "domain-events");
}

export class DomainEvents implements DomainEventPublisher {
  /** Events published at the same moment (a batch of payments settled together) go as one entry. */
  private readonly append: Coalesced<DomainEvent, Error | null>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.append = coalesce((events: DomainEvent[]) => this.appendAll(events), {
      deadlineMs: appendDeadlineMs,
      isUnavailable: () => true, // the pipeline failed as a whole: every event of it is reported as not published
      unavailable: (message) => new Error(`domain events: ${message}`),
    });
  }

  /** Appends an event. A failure is logged, not thrown: the order change itself is already durable. */
  async publish(event: DomainEvent): Promise<void> {
    const err = await this.append(event).catch((e: unknown) => e);
    if (err) this.logger.warn({ err, event }, "domain event not published");
  }

  /** One stream entry for the lot (field "b", the events in order): one XADD for Redis, and one
   * entry for every node to read and parse, however many orders a batch settled. */
  private async appendAll(events: DomainEvent[]): Promise<Array<Error | null>> {
    await this.redis.xadd(
      domainStreamKey(this.prefix),
      "MAXLEN",
      "~",
      String(streamMaxLen),
      "*",
      "b",
      JSON.stringify(events),
    );
    return events.map(() => null);
  }
}

/** The events of one stream entry: a batch ("b", an array) or, as earlier releases wrote, one ("e"). */
export function entryEvents(fields: readonly string[]): DomainEvent[] {
  const [name, raw] = fields;
  if (raw === undefined) return [];
  if (name === "b") return JSON.parse(raw) as DomainEvent[];
  return name === "e" ? [JSON.parse(raw) as DomainEvent] : [];
}

/** Reads new events from now on and hands each to the handler; stop() ends the loop. */
export function consumeDomainEvents(
  redis: Redis,
  prefix: string,
  handler: (e: DomainEvent) => void,
  logger: Logger,
): { stop(): Promise<void> } {
  let stopped = false;
  let lastId = "$";
  const loop = (async () => {
    while (!stopped) {
      try {
        const reply = (await redis.xread(
          "COUNT",
          500,
          "BLOCK",
          readBlockMs,
          "STREAMS",
          domainStreamKey(prefix),
          lastId,
        )) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            for (const e of entryEvents(fields)) handler(e);
          }
        }
      } catch (err) {
        if (stopped) break;
        logger.warn({ err }, "domain event read failed; retrying");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      redis.disconnect(); // unblocks the pending XREAD
      await loop;
    },
  };
}
