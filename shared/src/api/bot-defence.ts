// Bot defence at the waiting room's join: an ALTCHA proof-of-work challenge the fan's browser
// solves, off for normal joins and raised when joins come too fast from one subnet or overall
// (or always, or never: the operator's mode). The admin's settings, the challenge a fan fetches,
// and the refusal reasons of a presented solution.
import { z } from "zod";

/** How long a solved challenge's payload may be (base64 JSON of algorithm, challenge, number, salt, signature). */
export const challengePayloadCharsMax = 1024;

export const botDefenceModes = ["auto", "always", "off"] as const;
export type BotDefenceMode = (typeof botDefenceModes)[number];

/** Bounds of the difficulty (ALTCHA maxnumber: the solver tries up to this many hashes, half on average). */
export const challengeDifficultyMin = 1_000;
export const challengeDifficultyMax = 5_000_000;

export const botDefenceInput = z.strictObject({
  /** auto: raised past a threshold; always: every new join solves one; off: never. */
  mode: z.enum(botDefenceModes),
  /** ALTCHA maxnumber. */
  difficulty: z.int().min(challengeDifficultyMin).max(challengeDifficultyMax),
  /** Joins a minute from one subnet (IPv4 /24, IPv6 /48) past which that subnet must solve one (auto). */
  subnetJoinsPerMinute: z.int().min(1).max(1_000_000),
  /** Joins a minute to the event from everyone past which every new join must solve one (auto). */
  eventJoinsPerMinute: z.int().min(1).max(10_000_000),
});
export type BotDefenceInput = z.output<typeof botDefenceInput>;

export const botDefenceView = botDefenceInput.extend({
  /** Whether the challenge is raised right now for the whole event (auto: the overall rate crossed its threshold lately). */
  raisedForEvent: z.boolean(),
});
export type BotDefenceView = z.output<typeof botDefenceView>;

/** The challenge as ALTCHA's solvers take it; `expiresAt` is when a solution of it stops counting. */
export const challengeView = z.strictObject({
  algorithm: z.enum(["SHA-1", "SHA-256", "SHA-512"]),
  challenge: z.string(),
  maxnumber: z.int().min(1),
  salt: z.string(),
  signature: z.string(),
  expiresAt: z.iso.datetime(),
});
export type ChallengeView = z.output<typeof challengeView>;

/** Why a presented solution was refused (challenge_failed's details.reason). */
export const challengeFailures = ["invalid", "expired", "wrong_fan", "replayed"] as const;
export type ChallengeFailure = (typeof challengeFailures)[number];

/** An event's settings until an admin sets them: raised only under pressure, ~50,000 hashes on average to solve. */
export const botDefenceDefaults: BotDefenceInput = {
  mode: "auto",
  difficulty: 100_000,
  subnetJoinsPerMinute: 300,
  eventJoinsPerMinute: 50_000,
};
