// The bot defence's solve time in a real browser: Chromium (playwright-core) loads a page that
// solves ALTCHA challenges with the client's built Web Worker (client/dist/assets/challenge-worker-*.js,
// the file fans' browsers run), and on the page's own thread with altcha-lib's solver for comparison,
// with Chromium's CPU throttling (CDP Emulation.setCPUThrottlingRate) as a phone-class CPU.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";

export interface BrowserChallenge {
  algorithm: string;
  challenge: string;
  salt: string;
  maxnumber: number;
}

/** One solve: where it ran, the number found (the work done is that many hashes) and how long it took. */
export interface Solve {
  thread: "worker" | "page";
  number: number;
  ms: number;
}

const distAssets = fileURLToPath(new URL("../../client/dist/assets/", import.meta.url));
const altchaDir = fileURLToPath(new URL("../../node_modules/altcha-lib/dist/esm/v1/", import.meta.url));

function builtWorker(): string {
  const file = readdirSync(distAssets).find((f) => /^challenge-worker-.*\.js$/.test(f));
  if (!file) throw new Error("client/dist has no challenge worker: npm run build -w client first");
  return readFileSync(`${distAssets}${file}`, "utf8");
}

const page = `<!doctype html><meta charset="utf-8"><title>solve</title><script type="module">
import { solveChallenge } from "/altcha/index.js";
window.solveInWorker = (c) => new Promise((resolve) => {
  const started = performance.now();
  const worker = new Worker("/worker.js", { type: "module" });
  worker.onmessage = (e) => {
    if (e.data.kind === "progress") return;
    worker.terminate();
    resolve({ thread: "worker", number: e.data.number ?? -1, ms: performance.now() - started });
  };
  worker.postMessage(c);
});
window.solveOnPage = async (c) => {
  const started = performance.now();
  const found = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  return { thread: "page", number: found ? found.number : -1, ms: performance.now() - started };
};
window.ready = true;
</script>`;

function serve(): Promise<Server> {
  const worker = builtWorker();
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const js = { "Content-Type": "text/javascript" };
    if (url === "/") res.writeHead(200, { "Content-Type": "text/html" }).end(page);
    else if (url === "/worker.js") res.writeHead(200, js).end(worker);
    else if (/^\/altcha\/[a-z-]+\.js$/.test(url))
      res.writeHead(200, js).end(readFileSync(`${altchaDir}${url.slice(8)}`));
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function solveAll(p: Page, challenges: BrowserChallenge[], thread: Solve["thread"]): Promise<Solve[]> {
  const solves: Solve[] = [];
  for (const c of challenges) {
    const fn = thread === "worker" ? "solveInWorker" : "solveOnPage";
    solves.push(
      await p.evaluate(
        ([name, challenge]) =>
          (globalThis as unknown as Record<string, (c: unknown) => Promise<Solve>>)[name]!(challenge),
        [fn, c] as const,
      ),
    );
  }
  return solves;
}

/** Solves each challenge in the worker and on the page, at each CPU throttling rate (1 = none). */
export async function browserSolves(
  challenges: BrowserChallenge[],
  rates: number[],
): Promise<Array<{ rate: number; solves: Solve[] }>> {
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    const p = await browser.newPage();
    await p.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await p.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
    const cdp = await p.context().newCDPSession(p);
    const out: Array<{ rate: number; solves: Solve[] }> = [];
    for (const rate of rates) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate });
      out.push({
        rate,
        solves: [...(await solveAll(p, challenges, "worker")), ...(await solveAll(p, challenges, "page"))],
      });
    }
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}
