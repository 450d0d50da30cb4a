// Client-side limits, unit last in the name, each with a one-line why.
// TODO(shared): move into shared/src/limits.ts when that file is free to edit.

/** No page waits forever on one HTTP call; long enough for a busy server on a phone network. */
export const apiRequestTimeoutMs = 10_000;
