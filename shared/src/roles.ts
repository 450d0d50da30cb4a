// Admin roles: admin does everything, viewer reads, scanner only checks tickets in.
export const adminRoles = ["admin", "viewer", "scanner"] as const;
export type AdminRole = (typeof adminRoles)[number];
