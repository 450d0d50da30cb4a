// Goal: the before → after renders as a real table — a caption with the baseline's label, column
// headers naming each side's commit and run count, a row header per figure — with values in their
// units, "—" where a side lacks the figure, how many runs have a figure when not all do, and the
// change with its verdict in words (not colour alone). Rendered on the server: no DOM needed.
import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import type { ScenarioComparison } from "../lib/bench-compare.js";
import BenchCompare from "./BenchCompare.svelte";

const comparison: ScenarioComparison = {
  label: "before the purchase path was batched",
  before: { commit: "4de5b1b", runs: 3 },
  after: { commit: "9fe72cc", runs: 2 },
  rows: [
    {
      label: "Paid tickets per second (c=200)",
      unit: "/s",
      before: { median: 78.4, runs: 3 },
      after: { median: 227.6, runs: 1 },
      change: { factor: 2.9, text: "×2.9", verdict: "better" },
    },
    {
      label: "p99 latency (c=30)",
      unit: "ms",
      before: { median: null, runs: 0 },
      after: { median: 470.06, runs: 2 },
      change: null,
    },
    {
      label: "CPU per paid ticket: server",
      unit: "ms",
      before: { median: 8.46, runs: 3 },
      after: { median: 8.46, runs: 2 },
      change: { factor: 1, text: "±0 %", verdict: "same" },
    },
  ],
};

/** The text a reader gets: tags and Svelte's hydration comments dropped, whitespace collapsed. */
function text(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function cells(html: string, tag: "th" | "td"): string[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => text(m[1] ?? ""));
}

describe("BenchCompare", () => {
  const { body } = render(BenchCompare, { props: { comparison } });
  const thead = body.slice(body.indexOf("<thead>"), body.indexOf("</thead>"));
  const rows = body
    .split("<tr")
    .slice(2)
    .map((tr) => `<tr${tr}`);

  it("is a table captioned with the baseline's label, its columns naming each side's commit and runs", () => {
    expect(body).toContain("<table");
    const caption = body.slice(body.indexOf("<caption"), body.indexOf("</caption>"));
    expect(text(caption)).toBe("Before → after: before the purchase path was batched");
    expect(thead.match(/<th scope="col"/g)).toHaveLength(4);
    expect(cells(thead, "th")).toEqual([
      "Figure",
      "Before 4de5b1b median of 3 runs",
      "After (newest) 9fe72cc median of 2 runs",
      "Change",
    ]);
  });

  it("heads each row with its figure, and gives both medians in their unit and the change in words", () => {
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.match(/<th scope="row"/g)?.length)).toEqual([1, 1, 1]);
    expect(cells(rows[0]!, "th")).toEqual(["Paid tickets per second (c=200)"]);
    expect(cells(rows[0]!, "td")).toEqual(["78.4/s", "227.6/s 1 of 2 runs", "×2.9 better"]);
    expect(rows[0]).toContain("bench-change-better");
  });

  it("shows a dash where a side lacks the figure or there is no change, and no verdict when nothing changed", () => {
    expect(cells(rows[1]!, "td")).toEqual(["—", "470.1 ms", "—"]);
    expect(cells(rows[2]!, "td")).toEqual(["8.46 ms", "8.46 ms", "±0 %"]);
    expect(rows[2]).toContain("bench-change-same");
  });
});
