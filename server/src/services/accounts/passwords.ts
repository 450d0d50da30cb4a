// Account passwords hashed with argon2id (@node-rs/argon2, its defaults: OWASP's m=19 MiB, t=2,
// p=1); the parameters travel in the PHC string, so they can be raised later without breaking old
// hashes. (Admin passwords keep their scrypt hashes: services/admin/passwords.ts.)
import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

export function hashAccountPassword(password: string): Promise<string> {
  return hash(password);
}

/** A real hash of a random password: checking an unknown email against it costs what a wrong
 * password costs, so the answer's timing does not tell which emails have accounts. */
export const accountDecoyHash = await hashAccountPassword(randomBytes(16).toString("hex"));

export async function verifyAccountPassword(password: string, stored: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false; // not a hash this library reads: no password matches it
  }
}
