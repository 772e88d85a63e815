import { adminClient, magicLinkClient, organizationClient, twoFactorClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

/** Better Auth's client answers { data, error }; react-query mutations want a throw. */
export async function unwrap<T>(
  call: Promise<{ data: T; error: null } | { data: null; error: { message?: string; status: number; code?: string } }>,
): Promise<T> {
  const { data, error } = await call;
  if (error) throw error;
  return data;
}

export const authClient = createAuthClient({
  plugins: [magicLinkClient(), organizationClient(), adminClient(), twoFactorClient()],
});
