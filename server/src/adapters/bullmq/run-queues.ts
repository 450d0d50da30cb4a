// What every process that runs BullMQ jobs does (the workers, MockPay's own process): one Worker
// per queue, and repeatable jobs (the hold sweeper, MockPay's relay) kept scheduled. Upserting a
// scheduler is idempotent across processes and restarts. Every few seconds each is looked up and
// put back if Redis lost it (a flush, a restart without persistence), so a backstop is gone for
// seconds, not until the next deploy.
import { Queue, Worker, type ConnectionOptions, type Processor } from "bullmq";
import type { Logger } from "../../logger.js";

/** How often the job schedulers are looked up (and put back if Redis lost them). */
const schedulerCheckEveryMs = 5_000;

export interface ScheduledJob {
  queue: string;
  schedule: { id: string; everyMs: number };
}

export interface KeptSchedulers {
  queues: Queue[];
  /** Stops the checks; the caller closes the queues. */
  stop(): void;
}

export interface BullOptions {
  connection: ConnectionOptions;
  prefix: string;
}

/** One queue's Worker. A job whose process died (its lock not renewed for `lockMs`) is taken up by
 * another process after one to three of these. Failures and connection errors are logged (BullMQ
 * reconnects on its own; without a listener an error would be an unhandled 'error' event). */
export function startWorker(
  queue: string,
  processor: Processor,
  options: { bull: BullOptions; concurrency: number; lockMs: number; logger: Logger },
): Worker {
  const { bull, concurrency, lockMs, logger } = options;
  const worker = new Worker(queue, processor, { ...bull, concurrency, lockDuration: lockMs, stalledInterval: lockMs });
  worker.on("failed", (job, err) => logger.warn({ queue, jobId: job?.id, err }, "job failed"));
  worker.on("error", (err) => logger.warn({ err, queue }, "queue connection error"));
  return worker;
}

export async function keepSchedulers(
  jobs: readonly ScheduledJob[],
  bull: BullOptions,
  logger: Logger,
): Promise<KeptSchedulers> {
  const scheduled = jobs.map((j) => ({ queue: new Queue(j.queue, bull), schedule: j.schedule }));
  for (const { queue } of scheduled)
    queue.on("error", (err) => logger.warn({ err, queue: queue.name }, "queue connection error"));
  const upsert = ({ queue, schedule }: (typeof scheduled)[number]) =>
    queue.upsertJobScheduler(schedule.id, { every: schedule.everyMs }, { name: schedule.id });
  await Promise.all(scheduled.map(upsert));
  const restoreLost = async () => {
    for (const s of scheduled) {
      if (await s.queue.getJobScheduler(s.schedule.id)) continue;
      await upsert(s);
      logger.warn(
        { queue: s.queue.name, scheduler: s.schedule.id },
        "job scheduler was missing from Redis (flushed, restarted): put back",
      );
    }
  };
  const check = () =>
    void restoreLost().catch((err: unknown) => logger.warn({ err }, "checking job schedulers failed"));
  const timer = setInterval(check, schedulerCheckEveryMs);
  return { queues: scheduled.map((s) => s.queue), stop: () => clearInterval(timer) };
}
