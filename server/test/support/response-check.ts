// The response check (http/response-check.ts) as an end-to-end test reads it from a server
// process: the mismatches it counted, and its log lines naming them (route, status, zod's issues).

/** Mismatches the server at `url` has counted; null when its check is off (nothing was checked). */
export async function responseMismatches(url: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const count = /^stampede_http_response_mismatches_total (\S+)$/m.exec(text)?.[1];
  return count === undefined ? null : Number(count);
}

/** The check's lines in a process's output, to say which answers did not match. */
export function mismatchLines(output: string): string {
  return output
    .split("\n")
    .filter((line) => line.includes('"responseMismatch"'))
    .join("\n");
}
