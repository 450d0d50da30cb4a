// Bot defence at the join: the one place that decides whether a join must bring a solved
// proof-of-work challenge (ALTCHA, altcha-lib), for the REST join and queue:join alike, before the
// join changes anything. Off for normal joins: in auto mode a subnet (IPv4 /24, IPv6 /48) whose
// joins cross its threshold, or the event when all joins cross its, must solve one for a cooldown
// after; "always" asks every new join, "off" none. A challenge is bound to the fan and the event
// (in its signed salt), short-lived, and single use (its signature is claimed in Redis).
import { hkdfSync } from "node:crypto";
import { createChallenge, extractParams, verifySolution } from "altcha-lib/v1";
import type { Payload } from "altcha-lib/v1/types";
import type { Clock } from "@stampede/shared/ports/clock";
import type {
  BotDefenceInput,
  BotDefenceView,
  ChallengeFailure,
  ChallengeView,
} from "@stampede/shared/api/bot-defence";
import type { BotDefenceRepo } from "../../adapters/postgres/bot-defence-repo.js";
import type { JoinPressureStore } from "../../adapters/redis/join-pressure.js";
import { DomainError } from "../errors.js";
import { isLoopback, subnetOf } from "./subnet.js";

/** How long a challenge may be solved and presented. */
export const challengeTtlMs = 120_000;
/** How long the challenge stays raised after the rate that raised it was last seen over its threshold. */
export const challengeCooldownMs = 600_000;
/** How long an event's settings are read from this node's memory (an admin's change shows within). */
const settingsCacheMs = 2_000;

export interface JoinChallengeDeps {
  settings: Pick<BotDefenceRepo, "get" | "put">;
  pressure: JoinPressureStore;
  /** The HMAC key challenges are signed with (CHALLENGE_HMAC_KEY, else derived from SECRET_KEY). */
  hmacKey: string;
  /** The settings of events an admin has not set (botDefenceDefaults, with the configured mode). */
  defaults: BotDefenceInput;
  /** Whether the fan already has an entry in the room: joining again changes nothing, so it needs no challenge. */
  inRoom(eventId: string, fanId: string): Promise<boolean>;
  /** Whether fans may see the event at all (an unknown one is the join's not_found, and nothing is counted). */
  exists(eventId: string): Promise<boolean>;
  now?: Clock;
}

/** The challenge key when no CHALLENGE_HMAC_KEY is set: derived from SECRET_KEY for this purpose only. */
export function challengeKeyFrom(secretKey: string): string {
  return Buffer.from(hkdfSync("sha256", secretKey, "stampede-challenge", "altcha", 32)).toString("hex");
}

const failureMessages: Record<ChallengeFailure, string> = {
  invalid: "the challenge's solution does not check out; fetch a new challenge and solve it",
  expired: "the challenge ran out before it was used; fetch a new one",
  wrong_fan: "this challenge was given to another fan or event; fetch your own",
  replayed: "this challenge was already used; each solution counts once — fetch a new one",
};

function failed(reason: ChallengeFailure): DomainError {
  return new DomainError("challenge_failed", failureMessages[reason], { details: { reason } });
}

/** The solution payload (base64 JSON, as ALTCHA's widget and solvers send it), or null when it is not one. */
function decode(text: string): Payload | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
    if (typeof value !== "object" || value === null) return null;
    const p = value as Record<string, unknown>;
    const strings = ["algorithm", "challenge", "salt", "signature"].every((k) => typeof p[k] === "string");
    return strings && typeof p.number === "number" ? (value as Payload) : null;
  } catch {
    return null;
  }
}

export class JoinChallenge {
  private readonly cached = new Map<string, { at: number; value: Promise<BotDefenceInput> }>();
  private readonly now: Clock;

  constructor(private readonly deps: JoinChallengeDeps) {
    this.now = deps.now ?? Date.now;
  }

  settings(eventId: string): Promise<BotDefenceInput> {
    const hit = this.cached.get(eventId);
    if (hit && this.now() - hit.at < settingsCacheMs) return hit.value;
    const value = this.read(eventId);
    this.cached.set(eventId, { at: this.now(), value });
    value.catch(() => this.cached.delete(eventId));
    return value;
  }

  private async read(eventId: string): Promise<BotDefenceInput> {
    return (await this.deps.settings.get(eventId)) ?? this.deps.defaults;
  }

  async view(eventId: string): Promise<BotDefenceView> {
    const settings = await this.read(eventId);
    const raisedUntil = await this.deps.pressure.eventRaisedUntil(eventId);
    return { ...settings, raisedForEvent: settings.mode === "always" || raisedUntil > this.now() };
  }

  async save(eventId: string, settings: BotDefenceInput): Promise<BotDefenceView> {
    await this.deps.settings.put(eventId, settings);
    this.cached.delete(eventId);
    return this.view(eventId);
  }

  /** A new challenge for this fan and event, at the event's difficulty. */
  async issue(eventId: string, fanId: string): Promise<ChallengeView> {
    const { difficulty } = await this.settings(eventId);
    const expires = new Date(this.now() + challengeTtlMs);
    const challenge = await createChallenge({
      hmacKey: this.deps.hmacKey,
      maxnumber: difficulty,
      expires,
      params: { fan: fanId, event: eventId },
    });
    return {
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      maxnumber: challenge.maxnumber ?? difficulty,
      salt: challenge.salt,
      signature: challenge.signature,
      expiresAt: new Date(Math.floor(expires.getTime() / 1000) * 1000).toISOString(),
    };
  }

  /**
   * Lets the join through, or refuses it: challenge_required when one is needed and none came,
   * challenge_failed (details.reason) when the one that came does not count. A presented solution
   * is always checked (and used up), needed or not. Call it before the join changes anything.
   */
  async check(eventId: string, fanId: string, address: string, solution?: string): Promise<void> {
    if (!(await this.deps.exists(eventId))) return;
    const settings = await this.settings(eventId);
    const raised = settings.mode === "auto" ? await this.underPressure(eventId, address, settings) : false;
    if (solution !== undefined) return this.redeem(eventId, fanId, solution);
    const needed = settings.mode === "always" || raised;
    if (!needed || (await this.deps.inRoom(eventId, fanId))) return;
    throw new DomainError("challenge_required", "solve the browser check first, then join again with its solution", {
      details: { challenge: `/api/events/${eventId}/challenge` },
    });
  }

  /** Counts this join; raises the challenge for the subnet or everyone past a threshold; says whether it is raised. */
  private async underPressure(eventId: string, address: string, settings: BotDefenceInput): Promise<boolean> {
    const nowMs = this.now();
    // Joins from the server's own host count towards the event's threshold only (see isLoopback).
    const subnet = subnetOf(address);
    const ownSubnet = !isLoopback(address);
    const p = await this.deps.pressure.count(eventId, subnet, nowMs);
    const until = nowMs + challengeCooldownMs;
    let raised = p.subnetRaisedUntilMs > nowMs || p.eventRaisedUntilMs > nowMs;
    if (ownSubnet && p.subnetPerMinute > settings.subnetJoinsPerMinute) {
      await this.deps.pressure.raise(eventId, subnet, until, nowMs);
      raised = true;
    }
    if (p.eventPerMinute > settings.eventJoinsPerMinute) {
      await this.deps.pressure.raise(eventId, null, until, nowMs);
      raised = true;
    }
    return raised;
  }

  private async redeem(eventId: string, fanId: string, solution: string): Promise<void> {
    const payload = decode(solution);
    // Expiry is checked below against this service's clock, after the signature proved the salt's params.
    if (!payload || !(await verifySolution(payload, this.deps.hmacKey, false))) throw failed("invalid");
    const params = extractParams(payload);
    if (params.fan !== fanId || params.event !== eventId) throw failed("wrong_fan");
    const expiresMs = Number(params.expires) * 1000;
    const nowMs = this.now();
    if (!(expiresMs > nowMs)) throw failed("expired");
    if (!(await this.deps.pressure.claim(eventId, payload.signature, expiresMs - nowMs))) throw failed("replayed");
  }
}
