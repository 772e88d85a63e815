import "server-only";
import { cache } from "react";
import { getServerApi } from "@/trpc/server";

export type PlatformGate = "signedOut" | "notStaff" | "membership" | "domain" | "twoFactorSetup" | "open";

/**
 * Which view /platform shows this request, from the caller's own platform status. Shared by the
 * layout (which renders the refusal or the two-factor setup) and the pages (which render nothing
 * unless open: layouts and pages render in parallel). The procedures enforce the same rules anyway.
 */
export const getPlatformGate = cache(async (): Promise<PlatformGate> => {
  const api = await getServerApi();
  const status = await api.platform.status().catch(() => null);
  if (!status) return "signedOut";
  if (!status.staff) return "notStaff";
  if (status.membershipCount > 0) return "membership";
  if (!status.emailAllowed) return "domain";
  if (!status.twoFactorEnabled) return "twoFactorSetup";
  return "open";
});
