// Preloaded into the server, the workers and MockPay's process (NODE_OPTIONS="--import …/cpu-profile.mjs"; Node 20
// refuses --cpu-prof in NODE_OPTIONS) when BENCH_CPU_PROFILE_DIR is set. The first SIGUSR2 starts
// the profiler (the scenario sends it when its timed phase starts), the second writes
// <dir>/<server|workers|mockpay>-<pid>.cpuprofile. Summarize with `npx tsx bench/profile-summary.ts <file>`.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
// Named by entry point: workers/src/main.ts, server/src/mockpay/main.ts; anything else is the server.
const entry = process.argv[1] ?? "";
const kind = /[/\\]workers[/\\]src[/\\]main\.ts$/.test(entry)
  ? "workers"
  : /[/\\]mockpay[/\\]main\.ts$/.test(entry)
    ? "mockpay"
    : "server";
if (dir) {
  const session = new Session();
  session.connect();
  let started = false;
  process.on("SIGUSR2", () => {
    if (!started) {
      started = true;
      session.post("Profiler.enable", () =>
        session.post("Profiler.setSamplingInterval", { interval: 1000 }, () => session.post("Profiler.start")),
      );
      return;
    }
    session.post("Profiler.stop", (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${kind}-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}
