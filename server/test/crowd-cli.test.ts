// Goal: `npm run demo:crowd` brings a crowd to an on-sale event through the public contract: a
// queue forms (admission slowed through the admin API), fans are admitted and some orders are
// paid; admission is restored at the end, and Ctrl-C stops it cleanly (exit 0, nobody left waiting).
import { describe, expect, it } from "vitest";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";
import { createEvent, basicAuth, waitFor } from "./support/fans.js";
import { startCli } from "./cli-run.js";

const admin = `${stackAdmin.username}:${stackAdmin.password}`;

const served = useStack();

async function newSale(admitPerMinute: number, admission: "auto" | "manual" = "manual") {
  return createEvent(served.url, stackAdmin, {
    name: "Crowd test",
    status: "on_sale",
    classes: [{ code: "GA", name: "General Admission", priceCents: 1000, capacity: 500 }],
    waitingRoom: { admission, admitPerMinute, maxActiveCheckouts: 50, holdSeconds: 120 },
  });
}

async function admissionOf(eventId: string): Promise<{ admission: string; admitPerMinute: number }> {
  const res = await fetch(`${served.url}/api/admin/events/${eventId}`, {
    headers: { authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
  });
  const { admission, admitPerMinute } = (
    (await res.json()) as { waitingRoom: { admission: string; admitPerMinute: number } }
  ).waitingRoom;
  return { admission, admitPerMinute };
}

/** The numbers of the last progress line. */
function lastProgress(output: string) {
  const lines = output.split("\n").filter((l) => l.startsWith("crowd ") && l.includes("arrived"));
  const last = lines[lines.length - 1] ?? "";
  const n = (re: RegExp) => Number(re.exec(last)?.[1] ?? NaN);
  return {
    arrived: n(/(\d+)\/\d+ arrived/),
    waiting: n(/(\d+) waiting/),
    admitted: n(/(\d+) admitted/),
    paid: n(/(\d+) paid/),
    failed: /failed/.test(last),
  };
}

describe("npm run demo:crowd", () => {
  it("admits a crowd of 20 and some pay; admission is restored after", async () => {
    const sale = await newSale(6000);
    const crowd = startCli(
      "crowd",
      [
        "--url",
        served.url,
        "--event",
        sale.id,
        "--admin",
        admin,
        "--fans",
        "20",
        "--admit-per-minute",
        "300",
        "--minutes",
        "3",
      ],
      240_000,
    );
    const run = await crowd.done;
    expect(run.output).toContain("admission slowed from 6000 to 300 a minute");
    const last = lastProgress(run.output);
    expect(last.arrived).toBe(20);
    expect(last.waiting).toBe(0);
    expect(last.admitted).toBeGreaterThan(0);
    expect(last.paid).toBeGreaterThan(0);
    expect(last.failed).toBe(false);
    expect(run.output).toContain("admission restored (manual, 6000 a minute)");
    expect(run.code).toBe(0);
    expect(await admissionOf(sale.id)).toEqual({ admission: "manual", admitPerMinute: 6000 });
  }, 300_000);

  it("stops on one Ctrl-C (delivered twice, as under npm): waiting fans leave, admission restored, exit 0", async () => {
    // An automatic room: the crowd fixes a slow rate while it runs, and gives the room its own steering back.
    const sale = await newSale(6000, "auto");
    const crowd = startCli(
      "crowd",
      ["--url", served.url, "--event", sale.id, "--admin", admin, "--fans", "15", "--admit-per-minute", "1"],
      240_000,
    );
    await waitFor("the crowd waiting", () => lastProgress(crowd.output()).waiting >= 5, 120_000);
    // A terminal's Ctrl-C under `npm run` arrives twice (the process group, and npm relaying it).
    crowd.child.kill("SIGINT");
    await waitFor("the stop to begin", () => crowd.output().includes("stopping (Ctrl-C)"), 10_000);
    crowd.child.kill("SIGINT");
    const run = await crowd.done;
    expect(run.output).toContain("stopping (Ctrl-C)");
    expect(lastProgress(run.output).waiting).toBe(0);
    expect(run.output).toContain("admission restored (auto, 6000 a minute)");
    expect(run.code).toBe(0);
    expect(await admissionOf(sale.id)).toEqual({ admission: "auto", admitPerMinute: 6000 });
  }, 300_000);
});
