// Goal: configuration is parsed once, every bad variable is reported together, development
// defaults are flagged, and production refuses them.
import { describe, expect, it } from "vitest";
import { ConfigError, devDefaultsBanner, loadConfig } from "./config.js";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("uses the contract's defaults", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe("127.0.0.1");
    expect(c.publicUrl).toBe("http://127.0.0.1:3000");
    expect(c.databaseUrl).toBe("postgres://postgres@127.0.0.1:5432/stampede");
    expect(c.redisUrl).toBe("redis://127.0.0.1:6379");
    expect(c.ledger).toEqual({ kind: "postgres", callTimeoutMs: 2_000 });
    expect(c.devDefaultsUsed.sort()).toEqual(["ADMIN_PASSWORD", "MOCKPAY_WEBHOOK_SECRET", "SECRET_KEY"]);
  });

  it("derives PUBLIC_URL from the port and strips a trailing slash when given", () => {
    expect(loadConfig({ PORT: "8080" }).publicUrl).toBe("http://127.0.0.1:8080");
    expect(loadConfig({ PUBLIC_URL: "https://tickets.example.com/" }).publicUrl).toBe("https://tickets.example.com");
  });

  it("lists every bad variable at once", () => {
    const list = problems({ PORT: "seventy", REDIS_URL: "not a url", LEDGER: "mysql", MOCKPAY_FAIL_RATE: "2" });
    expect(list).toHaveLength(4);
    for (const name of ["PORT", "REDIS_URL", "LEDGER", "MOCKPAY_FAIL_RATE"])
      expect(list.some((p) => p.startsWith(`${name}:`))).toBe(true);
  });

  it("takes a Redis Cluster as REDIS_URL=redis+cluster://host:port,… and refuses a malformed node list", () => {
    expect(loadConfig({ REDIS_URL: "redis+cluster://10.0.0.1:7000,10.0.0.2:7000" }).redisUrl).toBe(
      "redis+cluster://10.0.0.1:7000,10.0.0.2:7000",
    );
    expect(problems({ REDIS_URL: "redis+cluster://10.0.0.1" })[0]).toMatch(/^REDIS_URL:.*host:port/);
  });

  it("takes the listen backlog from LISTEN_BACKLOG, above Node's 511 by default, and refuses one out of range", () => {
    expect(loadConfig({}).connections.listenBacklog).toBeGreaterThan(511);
    expect(loadConfig({ LISTEN_BACKLOG: "8192" }).connections.listenBacklog).toBe(8192);
    expect(problems({ LISTEN_BACKLOG: "0" })).toHaveLength(1);
    expect(problems({ LISTEN_BACKLOG: "70000" })[0]).toMatch(/^LISTEN_BACKLOG:/);
  });

  it("takes the ledger's deadline from LEDGER_CALL_TIMEOUT_MS (2 s by default), and refuses one out of range", () => {
    expect(loadConfig({ LEDGER_CALL_TIMEOUT_MS: "60000" }).ledger.callTimeoutMs).toBe(60_000);
    expect(problems({ LEDGER_CALL_TIMEOUT_MS: "0" })[0]).toMatch(/^LEDGER_CALL_TIMEOUT_MS:/);
  });

  it("takes the keep-alive wait from HTTP_KEEP_ALIVE_TIMEOUT_MS (60 s by default), and refuses one out of range", () => {
    expect(loadConfig({}).connections.keepAliveTimeoutMs).toBe(60_000);
    expect(loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: "65000" }).connections.keepAliveTimeoutMs).toBe(65_000);
    expect(problems({ HTTP_KEEP_ALIVE_TIMEOUT_MS: "10" })[0]).toMatch(/^HTTP_KEEP_ALIVE_TIMEOUT_MS:/);
  });

  it("requires TB_ADDRESS for the TigerBeetle ledger", () => {
    expect(problems({ LEDGER: "tigerbeetle" })).toEqual(["TB_ADDRESS: required when LEDGER=tigerbeetle"]);
    const ledger = loadConfig({ LEDGER: "tigerbeetle", TB_ADDRESS: "3000", TB_CLUSTER_ID: "7" }).ledger;
    expect(ledger).toEqual({ kind: "tigerbeetle", address: "3000", clusterId: 7n, callTimeoutMs: 2_000 });
  });

  it("takes Stripe from STRIPE_SECRET_KEY with its webhook secrets, and refuses one without the other", () => {
    expect(loadConfig({}).stripe).toBeNull();
    const stripe = loadConfig({
      STRIPE_SECRET_KEY: "sk_test_51abcDEF",
      STRIPE_WEBHOOK_SECRET: "whsec_oldSecret1,whsec_newSecret2",
      STRIPE_API_URL: "http://127.0.0.1:12111/",
    }).stripe;
    expect(stripe).toEqual({
      secretKey: "sk_test_51abcDEF",
      webhookSecrets: ["whsec_oldSecret1", "whsec_newSecret2"],
      apiUrl: "http://127.0.0.1:12111",
    });
    expect(
      loadConfig({ STRIPE_SECRET_KEY: "sk_live_51abcDEF", STRIPE_WEBHOOK_SECRET: "whsec_abcdefgh" }).stripe?.apiUrl,
    ).toBeNull();
    expect(problems({ STRIPE_SECRET_KEY: "sk_test_51abcDEF" })).toEqual([
      "STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (payments would never be settled)",
    ]);
    expect(problems({ STRIPE_WEBHOOK_SECRET: "whsec_abcdefgh" })).toEqual([
      "STRIPE_SECRET_KEY: required with STRIPE_WEBHOOK_SECRET",
    ]);
    const bad = problems({ STRIPE_SECRET_KEY: "pk_test_51abcDEF", STRIPE_WEBHOOK_SECRET: "secret" });
    expect(bad.map((p) => p.split(":")[0]).sort()).toEqual(["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]);
  });

  it("refuses development secrets under NODE_ENV=production and names each one", () => {
    const list = problems({ NODE_ENV: "production" });
    expect(list.map((p) => p.split(":")[0]).sort()).toEqual(["ADMIN_PASSWORD", "MOCKPAY_WEBHOOK_SECRET", "SECRET_KEY"]);
    const copied = problems({
      NODE_ENV: "production",
      ADMIN_PASSWORD: "stampede-dev-admin",
      MOCKPAY_WEBHOOK_SECRET: "w".repeat(20),
      SECRET_KEY: "k".repeat(40),
    });
    expect(copied).toEqual(["ADMIN_PASSWORD: the development default is refused when NODE_ENV=production"]);
  });

  it("runs MockPay inside the server unless MOCKPAY_URL is set, and then wants a real API key in production", () => {
    const inside = loadConfig({ PUBLIC_URL: "https://tickets.example.com" }).mockpay;
    expect(inside).toMatchObject({
      url: null,
      port: 3100,
      publicUrl: "http://127.0.0.1:3100",
      publicUrlConfigured: false,
    });
    expect(inside.webhookUrl).toBe("https://tickets.example.com/api/payments/webhook");
    const apart = loadConfig({
      MOCKPAY_URL: "http://mockpay:3100/",
      MOCKPAY_PUBLIC_URL: "https://pay.example.com/",
    }).mockpay;
    expect(apart).toMatchObject({
      url: "http://mockpay:3100",
      publicUrl: "https://pay.example.com",
      publicUrlConfigured: true,
    });
    const secrets = {
      NODE_ENV: "production",
      ADMIN_PASSWORD: "a-long-password",
      MOCKPAY_WEBHOOK_SECRET: "w".repeat(20),
      SECRET_KEY: "k".repeat(40),
    };
    expect(problems({ ...secrets, MOCKPAY_URL: "http://mockpay:3100" })).toEqual([
      "MOCKPAY_API_KEY: must be set (not the development default) when NODE_ENV=production and MOCKPAY_URL is set",
    ]);
    const key = "sk_".padEnd(24, "x");
    expect(loadConfig({ ...secrets, MOCKPAY_URL: "http://mockpay:3100", MOCKPAY_API_KEY: key }).mockpay.apiKey).toBe(
      key,
    );
    expect(loadConfig(secrets).mockpay.url).toBeNull();
  });

  it("accepts real secrets in production and prints no banner", () => {
    const c = loadConfig({
      NODE_ENV: "production",
      ADMIN_PASSWORD: "a-long-password",
      MOCKPAY_WEBHOOK_SECRET: "w".repeat(20),
      SECRET_KEY: "k".repeat(40),
    });
    expect(c.devDefaultsUsed).toEqual([]);
    expect(devDefaultsBanner(c)).toBeNull();
  });

  it("prints the development admin password in the banner", () => {
    const banner = devDefaultsBanner(loadConfig({}));
    expect(banner).toContain("ADMIN_PASSWORD = stampede-dev-admin");
    expect(banner).toContain("NODE_ENV=production refuses");
  });

  it("leaves the banner to the parent when DEV_DEFAULTS_BANNER=off (npm start prints it once)", () => {
    const c = loadConfig({ DEV_DEFAULTS_BANNER: "off" });
    expect(c.devDefaultsUsed).toContain("ADMIN_PASSWORD");
    expect(devDefaultsBanner(c)).toBeNull();
    expect(problems({ DEV_DEFAULTS_BANNER: "maybe" })[0]).toMatch(/^DEV_DEFAULTS_BANNER:/);
  });

  it("checks answers against their schemas in development and tests, not in production unless RESPONSE_CHECK=on", () => {
    const secrets = {
      ADMIN_PASSWORD: "a-real-password",
      MOCKPAY_WEBHOOK_SECRET: "whsec_a_real_secret_0123",
      SECRET_KEY: "k".repeat(40),
    };
    expect(loadConfig({}).responseCheck).toBe(true);
    expect(loadConfig({ NODE_ENV: "test" }).responseCheck).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", ...secrets }).responseCheck).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", RESPONSE_CHECK: "on", ...secrets }).responseCheck).toBe(true);
    expect(loadConfig({ RESPONSE_CHECK: "off" }).responseCheck).toBe(false);
    expect(problems({ RESPONSE_CHECK: "yes" })[0]).toMatch(/^RESPONSE_CHECK:/);
  });

  it("rejects a short SECRET_KEY", () => {
    expect(problems({ SECRET_KEY: "short" })[0]).toMatch(/^SECRET_KEY:/);
  });
});
