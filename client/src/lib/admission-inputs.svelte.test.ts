// Goal: the admission choice reads the same on the form and the dashboard — automatic or a fixed
// rate, one sentence on each — starts from the server's own defaults, sends only what the mode
// uses, and tells a change from the event's settings.
import { describe, expect, it } from "vitest";
import { admissionDefaults, waitingRoomInput } from "@stampede/shared/api/events";
import {
  AdmissionInputs,
  admissionChoice,
  admissionChoices,
  admissionFormDefaults,
} from "./admission-inputs.svelte.js";
import { FormCheck } from "./form-check.js";

describe("admission choices", () => {
  it("offers automatic first and explains each mode in one plain sentence", () => {
    expect(admissionChoices.map((c) => c.label)).toEqual(["Automatic (recommended)", "Fixed rate"]);
    expect(admissionChoice("auto").explain).toBe(
      "Stampede admits as fast as checkout keeps up, between the floor and the ceiling, " +
        "and never more fans than the tickets left can serve.",
    );
    expect(admissionChoice("manual").explain).toBe(
      "Stampede admits exactly this many fans a minute, even when checkout struggles.",
    );
  });

  it("starts a new event from the server's defaults", () => {
    const server = waitingRoomInput.parse({});
    expect(admissionFormDefaults).toEqual({
      admission: server.admission,
      admitPerMinute: admissionDefaults.admitPerMinute,
      admitPerMinuteFloor: admissionDefaults.floorPerMinute,
      admitPerMinuteCeiling: admissionDefaults.ceilingPerMinute,
    });
  });
});

describe("AdmissionInputs", () => {
  it("sends the start, floor and ceiling in automatic mode and only the rate for a fixed one", () => {
    const inputs = new AdmissionInputs();
    expect(inputs.explain).toMatch(/^Stampede admits as fast as checkout keeps up/);
    const auto = { admission: "auto", admitPerMinute: 600, admitPerMinuteFloor: 60, admitPerMinuteCeiling: 60_000 };
    expect(inputs.settings(new FormCheck())).toEqual(auto);
    inputs.mode = "manual";
    inputs.admitPerMinuteCeiling = "";
    expect(inputs.explain).toMatch(/^Stampede admits exactly this many fans a minute/);
    expect(inputs.settings(new FormCheck())).toEqual({ admission: "manual", admitPerMinute: 600 });
  });

  it("puts each problem under its field, with the key prefix of the form", () => {
    const inputs = new AdmissionInputs();
    inputs.admitPerMinute = "1.5";
    inputs.admitPerMinuteFloor = "70";
    inputs.admitPerMinuteCeiling = "69";
    const check = new FormCheck();
    expect(inputs.settings(check, "waitingRoom.")).toBeUndefined();
    expect(check.errors).toEqual({
      "waitingRoom.admitPerMinute": "A whole number from 1 to 1,000,000.",
      "waitingRoom.admitPerMinuteFloor": "The floor must not be above the ceiling.",
    });
    inputs.admitPerMinuteCeiling = "70"; // equal is fine
    inputs.admitPerMinute = "600";
    expect(inputs.settings(new FormCheck())).toMatchObject({ admitPerMinuteFloor: 70, admitPerMinuteCeiling: 70 });
  });

  it("tells a change from the event's settings, counting only what the mode uses", () => {
    const event = {
      admission: "manual" as const,
      admitPerMinute: 300,
      admitPerMinuteFloor: 60,
      admitPerMinuteCeiling: 60_000,
    };
    const inputs = new AdmissionInputs(event);
    expect(inputs.differsFrom(event)).toBe(false);
    inputs.admitPerMinuteFloor = "61"; // unused by a fixed rate
    expect(inputs.differsFrom(event)).toBe(false);
    inputs.mode = "auto";
    expect(inputs.differsFrom(event)).toBe(true);
    inputs.fill({ ...event, admission: "auto" });
    expect(inputs.differsFrom({ ...event, admission: "auto" })).toBe(false);
    inputs.admitPerMinuteCeiling = "abc";
    expect(inputs.differsFrom({ ...event, admission: "auto" })).toBe(true);
  });
});
