// Shared entry wrapper for every process: parse config once, turn known start failures into one
// clear line (no stack-trace walls), exit non-zero.
import { StartupError } from "./bootstrap.js";
import { ConfigError, loadConfig, type Config } from "./config.js";

export async function runMain(start: (config: Config) => Promise<void>): Promise<void> {
  try {
    // The one place (with the CLI) where the environment is read.
    const config = loadConfig(process.env);
    await start(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StartupError) {
      console.error(`stampede: cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
