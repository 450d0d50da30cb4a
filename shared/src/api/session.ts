// The fan session's answer (contract.md "Fan session"), shared by the server's route and the client.
import { z } from "zod";

/** `POST /api/session`: 201 for a new fan, 200 with the same fanId for a valid token or cookie. */
export const fanSessionView = z.strictObject({ fanId: z.string(), fanToken: z.string() });
export type FanSessionView = z.output<typeof fanSessionView>;
