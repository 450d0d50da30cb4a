// Path ids, checked before a handler (or a query) sees them: a malformed id names nothing, so
// defineRoute answers it 404 like an unknown one, and PostgreSQL never gets a string it rejects.
import { z } from "zod";
import { uuidPattern } from "@stampede/shared/ids";

export const uuidParam = z.string().regex(uuidPattern, "not an id of ours");
