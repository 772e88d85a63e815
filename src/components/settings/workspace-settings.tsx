"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { toast } from "sonner";
import { z } from "@/lib/zod";
import { useErrorText } from "@/components/error-text";
import { FormAlert, TextField, useServerErrors, useZodForm } from "@/components/form";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useRouter } from "@/i18n/navigation";
import { deleteConfirmationSchema, workspaceNameSchema } from "@/server/domain/tenancy/inputs";
import { useTRPC } from "@/trpc/react";

interface Props {
  tenant: { id: string; name: string };
  canRename: boolean;
  canDelete: boolean;
  singleTenantMode: boolean;
}

const renameSchema = z.object({ name: workspaceNameSchema });
const deleteSchema = z.object({ confirmation: deleteConfirmationSchema });

export function WorkspaceSettings({ tenant, canRename, canDelete, singleTenantMode }: Props) {
  const t = useTranslations("settings.workspace");
  const common = useTranslations("common");
  const toasts = useTranslations("toasts");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const format = useFormatter();
  const renameForm = useZodForm(renameSchema, { defaultValues: { name: tenant.name } });
  const deleteForm = useZodForm(deleteSchema, { defaultValues: { confirmation: "" } });
  const renameErrors = useServerErrors(renameForm);
  const deleteErrors = useServerErrors(deleteForm);
  const refreshAll = async () => {
    await queryClient.invalidateQueries();
    router.refresh();
  };
  const rename = useMutation(
    trpc.tenants.rename.mutationOptions({
      onSuccess: async (renamed) => {
        renameForm.reset({ name: renamed.name });
        toast.success(toasts("settingsSaved"));
        await refreshAll();
      },
      onError: renameErrors,
    }),
  );
  const leave = useMutation(
    trpc.tenants.leave.mutationOptions({
      onSuccess: async () => {
        toast.success(toasts("workspaceLeft"));
        await refreshAll();
        router.push("/projects");
      },
    }),
  );
  const remove = useMutation(
    trpc.tenants.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(toasts("workspaceDeleted"));
        await refreshAll();
        router.push("/projects");
      },
      onError: deleteErrors,
    }),
  );
  const deleted = useQuery(trpc.tenants.deleted.queryOptions(undefined, { enabled: !singleTenantMode }));
  const restore = useMutation(
    trpc.tenants.restore.mutationOptions({
      onSuccess: async () => {
        toast.success(toasts("workspaceRestored"));
        await refreshAll();
      },
    }),
  );
  const typedName = deleteForm.watch("confirmation");

  return (
    <>
      <SettingsSection title={t("general.title")} description={t("general.description")}>
        <form className="flex flex-col gap-2 sm:flex-row sm:items-start" noValidate onSubmit={renameForm.handleSubmit((input) => rename.mutate(input))}>
          <TextField
            form={renameForm}
            name="name"
            id="workspace-name"
            label={t("general.name")}
            className="grid flex-1 gap-2"
            disabled={!canRename}
            required
            maxLength={80}
          />
          {canRename && (
            <Button type="submit" className="sm:mt-6" disabled={rename.isPending || !renameForm.formState.isDirty}>
              {rename.isPending ? t("general.saving") : common("save")}
            </Button>
          )}
        </form>
        <FormAlert form={renameForm} className="mt-3" />
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
          <form className="flex flex-col gap-2 sm:flex-row sm:items-start" noValidate onSubmit={deleteForm.handleSubmit((input) => remove.mutate(input))}>
            <TextField
              form={deleteForm}
              name="confirmation"
              id="confirm-name"
              label={t("delete.confirmLabel", { name: tenant.name })}
              className="grid flex-1 gap-2"
              autoComplete="off"
            />
            <Button type="submit" variant="destructive" className="sm:mt-6" disabled={remove.isPending || typedName.trim() !== tenant.name}>
              {remove.isPending ? t("delete.deleting") : t("delete.action")}
            </Button>
          </form>
          <FormAlert form={deleteForm} className="mt-3" />
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
