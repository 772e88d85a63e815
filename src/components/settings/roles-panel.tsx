"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Controller } from "react-hook-form";
import { toast } from "sonner";
import { z } from "@/lib/zod";
import { useErrorText } from "@/components/error-text";
import { FieldError, FormAlert, TextField, useFieldError, useServerErrors, useZodForm } from "@/components/form";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { roleNameSchema, rolePermissionsSchema } from "@/server/domain/rbac/inputs";
import { allPermissions } from "@/server/domain/rbac/permissions";
import { useTRPC } from "@/trpc/react";

// Only the owner may delete a workspace; custom roles never include it.
const grantable = allPermissions.filter((p) => p !== "tenant:delete");

const roleFormSchema = z.object({ name: roleNameSchema, permissions: rolePermissionsSchema });
const emptyRole = () => ({ name: "", permissions: ["tenant:read", "project:read"] });

export function RolesPanel({ canManage }: { canManage: boolean }) {
  const t = useTranslations("settings.roles");
  const tm = useTranslations("settings.members");
  const toasts = useTranslations("toasts");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roles = useQuery(trpc.iamRoles.list.queryOptions());
  /** The custom role being edited; null: the form creates a new one. */
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const form = useZodForm(roleFormSchema, { defaultValues: emptyRole() });
  const serverErrors = useServerErrors(form);
  const permissionsError = useFieldError(form, "permissions");
  const refreshList = () => queryClient.invalidateQueries({ queryKey: trpc.iamRoles.list.queryKey() });
  const saved = (message: "roleCreated" | "roleSaved") => async (role: { name: string }) => {
    toast.success(toasts(message, { name: role.name }));
    setEditing(null);
    form.reset(emptyRole());
    await refreshList();
  };
  const create = useMutation(trpc.iamRoles.create.mutationOptions({ onSuccess: saved("roleCreated"), onError: serverErrors }));
  const update = useMutation(trpc.iamRoles.update.mutationOptions({ onSuccess: saved("roleSaved"), onError: serverErrors }));
  const remove = useMutation(
    trpc.iamRoles.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(toasts("roleDeleted"));
        await refreshList();
      },
    }),
  );
  const save = editing ? update : create;
  const roleName = (r: { key: string; name: string; builtIn: boolean }) => (r.builtIn ? tm(`roleNames.${r.key}` as never) : r.name);
  const startEditing = (role: { id: string; name: string; permissions: string[] }) => {
    setEditing({ id: role.id, name: role.name });
    form.reset({ name: role.name, permissions: role.permissions });
  };

  return (
    <>
      {roles.isPending ? (
        <Skeleton className="h-40" />
      ) : roles.error ? (
        <Alert variant="error">{errorText(roles.error)}</Alert>
      ) : (
        <SettingsSection title={t("list.title")}>
          <ul aria-label={t("list.title")} className="divide-y rounded-md border">
            {roles.data.map((r) => (
              <li key={r.key} aria-label={roleName(r)} className="flex flex-col gap-2 p-3 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-medium">
                    {roleName(r)} {r.builtIn && <Badge>{t("list.builtIn")}</Badge>}
                  </span>
                  {canManage && !r.builtIn && r.id && (
                    <span className="flex gap-1">
                      <Button size="sm" variant="outline" onClick={() => r.id && startEditing({ id: r.id, name: r.name, permissions: r.permissions })}>
                        {t("list.edit")}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => r.id && remove.mutate({ roleId: r.id })} disabled={remove.isPending}>
                        {t("list.delete")}
                      </Button>
                    </span>
                  )}
                </div>
                <p className="text-xs text-muted-foreground">{r.permissions.join(", ") || t("list.none")}</p>
              </li>
            ))}
          </ul>
          {remove.error && <Alert variant="error" className="mt-3">{errorText(remove.error)}</Alert>}
        </SettingsSection>
      )}
      {canManage && (
        <SettingsSection title={editing ? t("edit.title", { name: editing.name }) : t("create.title")} description={t("create.description")}>
          <form
            className="flex flex-col gap-4"
            noValidate
            onSubmit={form.handleSubmit((input) => {
              if (editing) update.mutate({ roleId: editing.id, ...input });
              else create.mutate({ ...input, description: "" });
            })}
          >
            <TextField form={form} name="name" id="role-name" label={t("create.name")} required maxLength={60} />
            <fieldset className="grid grid-cols-2 gap-2 sm:grid-cols-3" aria-describedby={permissionsError ? "role-permissions-error" : undefined}>
              <legend className="mb-2 text-sm font-medium">{t("create.permissions")}</legend>
              <Controller
                control={form.control}
                name="permissions"
                render={({ field }) => (
                  <>
                    {grantable.map((p) => (
                      <div key={p} className="flex items-center gap-2 text-sm">
                        <Checkbox
                          id={`perm-${p}`}
                          checked={field.value.includes(p)}
                          onCheckedChange={(v) => field.onChange(v === true ? [...field.value, p] : field.value.filter((x) => x !== p))}
                        />
                        <Label htmlFor={`perm-${p}`} className="font-mono text-xs font-normal">
                          {p}
                        </Label>
                      </div>
                    ))}
                  </>
                )}
              />
            </fieldset>
            <FieldError id="role-permissions" message={permissionsError} />
            <div className="flex gap-2">
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? t("create.creating") : editing ? t("edit.action") : t("create.action")}
              </Button>
              {editing && (
                <Button
                  type="button"
                  variant="outline"
                  onClick={() => {
                    setEditing(null);
                    form.reset(emptyRole());
                  }}
                >
                  {t("edit.cancel")}
                </Button>
              )}
            </div>
          </form>
          <FormAlert form={form} className="mt-3" />
        </SettingsSection>
      )}
    </>
  );
}
