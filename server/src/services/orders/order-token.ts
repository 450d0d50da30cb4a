// The private order token lives in shared/src/core/order-token.ts (the workers derive it too, for
// the order link in emails); this keeps the services' and routes' imports where they were.
export { OrderTokens, hashOrderToken, orderPageUrl, orderTokenMatches } from "@stampede/shared/core/order-token";
