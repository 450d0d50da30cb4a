// Top functions by self time in a V8 .cpuprofile (from `BENCH_NODE_OPTIONS="--cpu-prof
// --cpu-prof-dir=/tmp/prof" npm run bench -- holds`): `npx tsx bench/profile-summary.ts <file> [top]`.
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[] };
const counts = new Map<number, number>();
for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const n of profile.nodes) {
  const hits = counts.get(n.id) ?? 0;
  if (hits === 0) continue;
  const url = n.callFrame.url.replace(/^file:\/\//, "").replace(/^.*\/work\/main\//, "");
  const key = `${n.callFrame.functionName || "(anonymous)"} ${url}:${n.callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  const pkg =
    /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url.startsWith("node:") || url === ""
      ? n.callFrame.functionName.startsWith("(")
        ? n.callFrame.functionName
        : "node internals"
      : url.split("/").slice(0, 3).join("/"));
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
}
const total = profile.samples.length;
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `| ${((100 * v) / total).toFixed(1)}% | ${k} |`)
    .join("\n");
const byFunctionTable = `| self | function |\n| --- | --- |\n${top(byFunction, Number(topArg ?? 25))}`;
const byPackageTable = `| self | package / area |\n| --- | --- |\n${top(byPackage, 15)}`;
console.log(`samples: ${total}\n\n${byFunctionTable}\n\n${byPackageTable}`);
