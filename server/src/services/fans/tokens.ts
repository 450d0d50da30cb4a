// Signed tokens (jose, HS256 only — `alg: none` and other algorithms are refused on verify).
// Each purpose has its own key derived from SECRET_KEY with HKDF, so a fan token can never pass
// as an admission token or the other way round.
import { createHmac, hkdfSync, timingSafeEqual, webcrypto } from "node:crypto";
import { SignJWT, jwtVerify, type JWTPayload } from "jose";
import { LRUCache } from "lru-cache";
import { fanTokenTtlSeconds } from "@stampede/shared/limits";

const issuer = "stampede";

type HmacKey = webcrypto.CryptoKey;

/** A CryptoKey made once: given anything else (raw bytes, or a KeyObject), jose imports the key into
 * WebCrypto again on every sign and verify — 4 % of the server's CPU in the joins benchmark. */
function deriveKey(secret: string, purpose: string): Promise<HmacKey> {
  const bytes = Buffer.from(hkdfSync("sha256", secret, "stampede-token-keys", purpose, 32));
  return webcrypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** Tokens already verified, by their exact text (a fan sends the same token on every request;
 * HS256 verification through WebCrypto costs ~7 % of a loaded server's CPU). An entry never
 * outlives the token's own expiry; a changed byte is a different key and is verified afresh. */
const verifiedCacheEntries = 100_000;

class VerifiedTokens {
  private readonly cache = new LRUCache<string, JWTPayload>({ max: verifiedCacheEntries });

  async verify(token: string, key: Promise<HmacKey>, audience: string): Promise<JWTPayload | null> {
    const cacheKey = `${audience} ${token}`;
    const hit = this.cache.get(cacheKey);
    if (hit && typeof hit.exp === "number" && hit.exp * 1000 > Date.now()) return hit;
    try {
      const { payload } = await jwtVerify(token, await key, { algorithms: ["HS256"], issuer, audience });
      if (typeof payload.exp === "number")
        this.cache.set(cacheKey, payload, { ttl: Math.max(1, payload.exp * 1000 - Date.now()) });
      return payload;
    } catch {
      return null;
    }
  }
}

export interface AdmissionClaims {
  fanId: string;
  eventId: string;
  jti: string;
  expiresAtMs: number;
  /** The queue number the admission was for (tokens from before it was carried have none). */
  queueNumber?: number;
}

export class TokenService {
  private readonly fanKey: Promise<HmacKey>;
  private readonly admissionKey: Promise<HmacKey>;
  private readonly placeKey: Buffer;
  private readonly verified = new VerifiedTokens();

  constructor(secretKey: string) {
    this.fanKey = deriveKey(secretKey, "fan-session");
    this.admissionKey = deriveKey(secretKey, "admission");
    this.placeKey = Buffer.from(hkdfSync("sha256", secretKey, "stampede-token-keys", "queue-place", 32));
  }

  async signFan(fanId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(fanId)
      .setIssuer(issuer)
      .setAudience("fan")
      .setIssuedAt()
      .setExpirationTime(`${fanTokenTtlSeconds}s`)
      .sign(await this.fanKey);
  }

  /** The fan id, or null for a forged, expired or foreign token. */
  async verifyFan(token: string): Promise<string | null> {
    const payload = await this.verified.verify(token, this.fanKey, "fan");
    return typeof payload?.sub === "string" ? payload.sub : null;
  }

  async signAdmission(claims: AdmissionClaims): Promise<string> {
    return new SignJWT(
      claims.queueNumber === undefined ? { evt: claims.eventId } : { evt: claims.eventId, num: claims.queueNumber },
    )
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.fanId)
      .setJti(claims.jti)
      .setIssuer(issuer)
      .setAudience("admission")
      .setIssuedAt()
      .setExpirationTime(Math.floor(claims.expiresAtMs / 1000))
      .sign(await this.admissionKey);
  }

  /** The claims, or null for a forged or expired token. Binding to fan and event is the caller's check. */
  async verifyAdmission(token: string): Promise<AdmissionClaims | null> {
    const payload = await this.verified.verify(token, this.admissionKey, "admission");
    if (!payload) return null;
    const { sub, jti, evt, exp, num } = payload;
    if (typeof sub !== "string" || typeof jti !== "string" || typeof evt !== "string" || typeof exp !== "number")
      return null;
    const claims: AdmissionClaims = { fanId: sub, eventId: evt, jti, expiresAtMs: exp * 1000 };
    if (Number.isSafeInteger(num) && (num as number) >= 0) claims.queueNumber = num as number;
    return claims;
  }

  /**
   * Proof of a fan's queue number in an event: `<number>.<mac>`, an HMAC over fan, event and
   * number (signed on every join, so it is cheap: no JWT). It never expires by itself; it only
   * counts when a rebuilt room does not know the fan, and then only ahead of the cursor.
   */
  signPlace(fanId: string, eventId: string, queueNumber: number): string {
    return `${queueNumber}.${this.placeMac(fanId, eventId, queueNumber).toString("base64url")}`;
  }

  /** The number, or null for a forged token or one of another fan or event. */
  verifyPlace(token: string, fanId: string, eventId: string): number | null {
    const match = /^(\d{1,15})\.([\w-]{22})$/.exec(token);
    if (!match) return null;
    const number = Number(match[1]);
    const given = Buffer.from(match[2] as string, "base64url");
    return given.length === 16 && timingSafeEqual(given, this.placeMac(fanId, eventId, number)) ? number : null;
  }

  private placeMac(fanId: string, eventId: string, queueNumber: number): Buffer {
    return createHmac("sha256", this.placeKey).update(`${fanId}\n${eventId}\n${queueNumber}`).digest().subarray(0, 16);
  }
}
