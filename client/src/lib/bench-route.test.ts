// Goal: /bench is a page of the client (not a server path), and nothing under it is.
import { describe, expect, it } from "vitest";
import { isServerPath, matchRoute } from "./routes.js";

describe("the /bench route", () => {
  it("maps /bench to the benchmarks page and deeper paths to not-found", () => {
    expect(matchRoute("/bench")).toEqual({ name: "bench" });
    expect(matchRoute("/bench/")).toEqual({ name: "bench" });
    expect(matchRoute("/bench/holds")).toMatchObject({ name: "not_found" });
    expect(isServerPath("/bench")).toBe(false);
  });
});
