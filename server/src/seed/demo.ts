// The demo event `npm start` creates when there are no events yet.
import type { CreateEventInput } from "@stampede/shared/api/events";
import { createEventInput } from "@stampede/shared/api/events";

export function demoEventInput(now: Date = new Date()): CreateEventInput {
  const startsAt = new Date(now.getTime() + 30 * 24 * 3600 * 1000);
  startsAt.setUTCHours(19, 30, 0, 0);
  return createEventInput.parse({
    name: "Stampede Live — Demo Night",
    slug: "demo-night",
    venue: "The Big Arena",
    startsAt: startsAt.toISOString(),
    status: "on_sale",
    classes: [
      { code: "VIP", name: "VIP", priceCents: 10_000, capacity: 100, perOrderMax: 4 },
      { code: "FRONT", name: "Front Row", priceCents: 5_000, capacity: 200, perOrderMax: 4 },
      { code: "GA", name: "General Admission", priceCents: 1_000, capacity: 1_000, perOrderMax: 6 },
    ],
    perks: [{ code: "POSTER", name: "Tour poster", capacity: 100 }],
    waitingRoom: { admission: "auto", admitPerMinute: 600, maxActiveCheckouts: 200, holdSeconds: 300, perFanMax: 6 },
  });
}
