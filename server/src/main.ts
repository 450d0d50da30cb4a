// Composition root of a server process: config → adapters → app → listen; graceful shutdown.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { closeRedis, createRedis } from "./adapters/redis/connection.js";
import { createPool } from "./adapters/postgres/pool.js";
import { createApp } from "./app.js";
import { prepareServices } from "./bootstrap.js";
import { devDefaultsBanner, type Config } from "./config.js";
import { closeHttpServer, onShutdownSignals, runClosers } from "./lifecycle.js";
import { createLogger } from "./logger.js";
import { AdminUsers } from "./services/admin/admin-users.js";
import { runMain } from "./run-main.js";

const clientDistDir = fileURLToPath(new URL("../../client/dist", import.meta.url));

async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, "server");
  const banner = devDefaultsBanner(config);
  if (banner) console.warn(banner);

  await prepareServices(config);
  const pool = createPool(config.databaseUrl, { applicationName: "stampede-server" });
  const redis = createRedis(config.redisUrl, "app");
  await new AdminUsers(pool).bootstrap(config.admin.username, config.admin.password);

  const { app } = createApp({
    publicUrl: config.publicUrl,
    trustProxyHops: config.trustProxyHops,
    redisPrefix: config.redisPrefix,
    logger,
    pool,
    redis,
    clientDistDir,
    readiness: {
      redis: () => redis.ping(),
      postgres: () => pool.query("SELECT 1"),
    },
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info({ port, publicUrl: config.publicUrl }, "server listening");
  // A line for humans and for test harnesses that start this process on port 0.
  console.log(`stampede server listening on http://${config.host}:${port}`);

  onShutdownSignals(async () => {
    const outcome = await closeHttpServer(server, config.shutdownTimeoutMs);
    logger.info({ outcome }, "http server closed");
    await runClosers(
      [
        { name: "postgres", close: () => pool.end() },
        { name: "redis", close: () => closeRedis(redis) },
      ],
      logger,
    );
  }, logger);
}

await runMain(start);
