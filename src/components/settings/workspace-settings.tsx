"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useRouter } from "@/i18n/navigation";
import { useTRPC } from "@/trpc/react";

interface Props {
  tenant: { id: string; name: string };
  canRename: boolean;
  canDelete: boolean;
  singleTenantMode: boolean;
}

export function WorkspaceSettings({ tenant, canRename, canDelete, singleTenantMode }: Props) {
  const t = useTranslations("settings.workspace");
  const common = useTranslations("common");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const format = useFormatter();
  const [name, setName] = useState(tenant.name);
  const [confirmName, setConfirmName] = useState("");
  const refreshAll = async () => {
    await queryClient.invalidateQueries();
    router.refresh();
  };
  const rename = useMutation(trpc.tenants.rename.mutationOptions({ onSuccess: refreshAll }));
  const leave = useMutation(trpc.tenants.leave.mutationOptions({ onSuccess: async () => { await refreshAll(); router.push("/projects"); } }));
  const remove = useMutation(trpc.tenants.delete.mutationOptions({ onSuccess: async () => { await refreshAll(); router.push("/projects"); } }));
  const deleted = useQuery(trpc.tenants.deleted.queryOptions(undefined, { enabled: !singleTenantMode }));
  const restore = useMutation(trpc.tenants.restore.mutationOptions({ onSuccess: refreshAll }));

  return (
    <>
      <SettingsSection title={t("general.title")} description={t("general.description")}>
        <form
          className="flex flex-col gap-2 sm:flex-row sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate({ name });
          }}
        >
          <div className="grid flex-1 gap-2">
            <Label htmlFor="workspace-name">{t("general.name")}</Label>
            <Input id="workspace-name" value={name} onChange={(e) => setName(e.target.value)} disabled={!canRename} required maxLength={80} />
          </div>
          {canRename && (
            <Button type="submit" disabled={rename.isPending || !name.trim() || name.trim() === tenant.name}>
              {rename.isPending ? t("general.saving") : common("save")}
            </Button>
          )}
        </form>
        {rename.isSuccess && <Alert variant="success" className="mt-3">{t("general.saved")}</Alert>}
        {rename.error && <Alert variant="error" className="mt-3">{errorText(rename.error)}</Alert>}
      </SettingsSection>

      {!singleTenantMode && (
        <SettingsSection title={t("leave.title")} description={t("leave.description")}>
          <Button variant="outline" onClick={() => leave.mutate({ tenantId: tenant.id })} disabled={leave.isPending}>
            {leave.isPending ? t("leave.leaving") : t("leave.action")}
          </Button>
          {leave.error && <Alert variant="error" className="mt-3">{errorText(leave.error)}</Alert>}
        </SettingsSection>
      )}

      {canDelete && !singleTenantMode && (
        <SettingsSection title={t("delete.title")} description={t("delete.description")} tone="danger">
          <form
            className="flex flex-col gap-2 sm:flex-row sm:items-end"
            onSubmit={(e) => {
              e.preventDefault();
              remove.mutate({ confirmation: confirmName });
            }}
          >
            <div className="grid flex-1 gap-2">
              <Label htmlFor="confirm-name">{t("delete.confirmLabel", { name: tenant.name })}</Label>
              <Input id="confirm-name" value={confirmName} onChange={(e) => setConfirmName(e.target.value)} autoComplete="off" />
            </div>
            <Button type="submit" variant="destructive" disabled={remove.isPending || confirmName !== tenant.name}>
              {remove.isPending ? t("delete.deleting") : t("delete.action")}
            </Button>
          </form>
          {remove.error && <Alert variant="error" className="mt-3">{errorText(remove.error)}</Alert>}
        </SettingsSection>
      )}

      {!singleTenantMode && (deleted.data?.length ?? 0) > 0 && (
        <SettingsSection title={t("restore.title")} description={t("restore.description")}>
          <ul className="divide-y rounded-md border">
            {deleted.data?.map((d) => (
              <li key={d.id} className="flex items-center justify-between gap-4 p-3 text-sm">
                <span>
                  <span className="font-medium">{d.name}</span>
                  <span className="block text-xs text-muted-foreground">
                    {t("restore.until", { date: format.dateTime(d.restorableUntil, { dateStyle: "medium" }) })}
                  </span>
                </span>
                <Button size="sm" variant="outline" onClick={() => restore.mutate({ tenantId: d.id })} disabled={restore.isPending}>
                  {t("restore.action")}
                </Button>
              </li>
            ))}
          </ul>
          {restore.error && <Alert variant="error" className="mt-3">{errorText(restore.error)}</Alert>}
        </SettingsSection>
      )}
    </>
  );
}
