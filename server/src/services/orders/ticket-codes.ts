// Ticket codes that a door scanner can verify offline: "SP1.<payload>.<Ed25519 signature>", where
// the payload names the ticket, the event and the tier. The key pair is derived from SECRET_KEY;
// the public key is published at /api/tickets/public-key. Beside it each ticket has a short code
// for typing at the door (shared/src/core/short-code.ts), random and looked up in the database.
import { createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { shortCodeFromBytes, shortCodeLength } from "@stampede/shared/core/short-code";

/** A new short code: 50 bits from the CSPRNG, never derived from an id (nothing to predict). */
export function newShortCode(): string {
  return shortCodeFromBytes(randomBytes(shortCodeLength));
}

// The fixed PKCS#8 header of an Ed25519 private key (RFC 8410, section 10.3) before its 32-byte seed:
// the one form in which Node (and WebCrypto, and so jose) imports a key from a seed — a JWK needs
// the public half, which only the imported key can compute. Codes stay "SP1" strings rather than
// JWS: shorter (a QR code with fewer modules), and every ticket issued so far verifies unchanged.
const pkcs8Ed25519Prefix = Buffer.from("302e020100300506032b657004220420", "hex");
const version = "SP1";

export interface TicketClaims {
  ticketId: string;
  eventId: string;
  classCode: string;
}

export class TicketCodes {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(secretKey: string) {
    const seed = Buffer.from(hkdfSync("sha256", secretKey, "stampede-ticket-keys", "ticket-signing", 32));
    this.privateKey = createPrivateKey({
      key: Buffer.concat([pkcs8Ed25519Prefix, seed]),
      format: "der",
      type: "pkcs8",
    });
    this.publicKey = createPublicKey(this.privateKey);
  }

  sign(claims: TicketClaims): string {
    const payload = Buffer.from(`${claims.ticketId}|${claims.eventId}|${claims.classCode}`).toString("base64url");
    const signature = sign(null, Buffer.from(`${version}.${payload}`), this.privateKey).toString("base64url");
    return `${version}.${payload}.${signature}`;
  }

  /** The claims of a genuine code, or null for anything forged, altered or malformed. */
  verify(code: string): TicketClaims | null {
    const parts = code.trim().split(".");
    if (parts.length !== 3 || parts[0] !== version) return null;
    const [, payload, signature] = parts as [string, string, string];
    let ok = false;
    try {
      ok = verify(null, Buffer.from(`${version}.${payload}`), this.publicKey, Buffer.from(signature, "base64url"));
    } catch {
      return null; // a signature of the wrong length is a forgery, not a crash
    }
    if (!ok) return null;
    const [ticketId, eventId, classCode] = Buffer.from(payload, "base64url").toString("utf8").split("|");
    return ticketId && eventId && classCode ? { ticketId, eventId, classCode } : null;
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: "spki", format: "pem" }).toString();
  }
}
