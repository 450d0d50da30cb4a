// The clock the server's services, the room tickers and the workers read: milliseconds since the
// epoch. Each takes one (default Date.now) so tests drive time instead of sleeping; the waiting
// room's scripts take the time from their caller, so every node agrees on one tick's now.
export type Clock = () => number;
