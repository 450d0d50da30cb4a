// Signed tokens (jose, HS256 only — `alg: none` and other algorithms are refused on verify).
// Each purpose has its own key derived from SECRET_KEY with HKDF, so a fan token can never pass
// as an admission token or the other way round.
import { createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { fanTokenTtlSeconds } from "@stampede/shared/limits";

const issuer = "stampede";

/** A KeyObject made once: jose would otherwise import raw key bytes again on every sign and verify. */
function deriveKey(secret: string, purpose: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync("sha256", secret, "stampede-token-keys", purpose, 32)));
}

export interface AdmissionClaims {
  fanId: string;
  eventId: string;
  jti: string;
  expiresAtMs: number;
}

export class TokenService {
  private readonly fanKey: KeyObject;
  private readonly admissionKey: KeyObject;

  constructor(secretKey: string) {
    this.fanKey = deriveKey(secretKey, "fan-session");
    this.admissionKey = deriveKey(secretKey, "admission");
  }

  async signFan(fanId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(fanId)
      .setIssuer(issuer)
      .setAudience("fan")
      .setIssuedAt()
      .setExpirationTime(`${fanTokenTtlSeconds}s`)
      .sign(this.fanKey);
  }

  /** The fan id, or null for a forged, expired or foreign token. */
  async verifyFan(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.fanKey, { algorithms: ["HS256"], issuer, audience: "fan" });
      return typeof payload.sub === "string" ? payload.sub : null;
    } catch {
      return null;
    }
  }

  async signAdmission(claims: AdmissionClaims): Promise<string> {
    return new SignJWT({ evt: claims.eventId })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.fanId)
      .setJti(claims.jti)
      .setIssuer(issuer)
      .setAudience("admission")
      .setIssuedAt()
      .setExpirationTime(Math.floor(claims.expiresAtMs / 1000))
      .sign(this.admissionKey);
  }

  /** The claims, or null for a forged or expired token. Binding to fan and event is the caller's check. */
  async verifyAdmission(token: string): Promise<AdmissionClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.admissionKey, { algorithms: ["HS256"], issuer, audience: "admission" });
      const { sub, jti, evt, exp } = payload;
      if (typeof sub !== "string" || typeof jti !== "string" || typeof evt !== "string" || typeof exp !== "number") return null;
      return { fanId: sub, eventId: evt, jti, expiresAtMs: exp * 1000 };
    } catch {
      return null;
    }
  }
}
