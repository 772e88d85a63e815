import { getTranslations, setRequestLocale } from "next-intl/server";
import { getPlatformGate } from "@/components/platform/platform-gate";
import { TenantsTable } from "@/components/platform/tenants-table";
import { UsersTable } from "@/components/platform/users-table";
import { entityIdSchema } from "@/server/domain/validation";
import { getServerApi } from "@/trpc/server";

const USERS_PER_PAGE = 25;

/** Tenants and users, read-only. `?users=<id>` pages the users. */
export default async function PlatformPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<{ users?: string | string[] }>;
}) {
  setRequestLocale((await params).locale);
  // The layout shows the refusal or the two-factor setup instead; render nothing that would fail.
  if ((await getPlatformGate()) !== "open") return null;
  const { users: rawCursor } = await searchParams;
  const cursor = entityIdSchema.safeParse(rawCursor);
  const api = await getServerApi();
  const [tenants, users] = await Promise.all([
    api.platform.tenants(),
    api.platform.users({ cursor: cursor.success ? cursor.data : null, limit: USERS_PER_PAGE }),
  ]);
  const t = await getTranslations("platform");
  return (
    <div className="flex flex-col gap-10">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <TenantsTable tenants={tenants} />
      <UsersTable page={users} isFirstPage={!cursor.success} />
    </div>
  );
}
