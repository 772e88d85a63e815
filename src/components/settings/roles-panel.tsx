"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { allPermissions, type Permission } from "@/server/domain/rbac/permissions";
import { useTRPC } from "@/trpc/react";

// Only the owner may delete a workspace; custom roles never include it.
const grantable = allPermissions.filter((p) => p !== "tenant:delete");

type Draft = { roleId: string | null; name: string; permissions: Set<Permission> };
const emptyDraft = (): Draft => ({ roleId: null, name: "", permissions: new Set<Permission>(["tenant:read", "project:read"]) });

export function RolesPanel({ canManage }: { canManage: boolean }) {
  const t = useTranslations("settings.roles");
  const tm = useTranslations("settings.members");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roles = useQuery(trpc.iamRoles.list.queryOptions());
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const done = async () => {
    setDraft(emptyDraft());
    await queryClient.invalidateQueries({ queryKey: trpc.iamRoles.list.queryKey() });
  };
  const create = useMutation(trpc.iamRoles.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.iamRoles.update.mutationOptions({ onSuccess: done }));
  const remove = useMutation(trpc.iamRoles.delete.mutationOptions({ onSuccess: done }));
  const save = draft.roleId ? update : create;
  const roleName = (r: { key: string; name: string; builtIn: boolean }) => (r.builtIn ? tm(`roleNames.${r.key}` as never) : r.name);

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
                      <Button size="sm" variant="outline" onClick={() => setDraft({ roleId: r.id, name: r.name, permissions: new Set(r.permissions) })}>
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
        <SettingsSection title={draft.roleId ? t("edit.title", { name: draft.name }) : t("create.title")} description={t("create.description")}>
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              const permissions = [...draft.permissions];
              if (draft.roleId) update.mutate({ roleId: draft.roleId, name: draft.name, permissions });
              else create.mutate({ name: draft.name, description: "", permissions });
            }}
          >
            <div className="grid gap-2">
              <Label htmlFor="role-name">{t("create.name")}</Label>
              <Input id="role-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required maxLength={60} />
            </div>
            <fieldset className="grid grid-cols-2 gap-2 sm:grid-cols-3">
              <legend className="mb-2 text-sm font-medium">{t("create.permissions")}</legend>
              {grantable.map((p) => (
                <div key={p} className="flex items-center gap-2 text-sm">
                  <Checkbox
                    id={`perm-${p}`}
                    checked={draft.permissions.has(p)}
                    onCheckedChange={(v) => {
                      const next = new Set(draft.permissions);
                      if (v === true) next.add(p);
                      else next.delete(p);
                      setDraft({ ...draft, permissions: next });
                    }}
                  />
                  <Label htmlFor={`perm-${p}`} className="font-mono text-xs font-normal">
                    {p}
                  </Label>
                </div>
              ))}
            </fieldset>
            <div className="flex gap-2">
              <Button type="submit" disabled={save.isPending || !draft.name.trim()}>
                {save.isPending ? t("create.creating") : draft.roleId ? t("edit.action") : t("create.action")}
              </Button>
              {draft.roleId && (
                <Button type="button" variant="outline" onClick={() => setDraft(emptyDraft())}>
                  {t("edit.cancel")}
                </Button>
              )}
            </div>
          </form>
          {save.error && <Alert variant="error" className="mt-3">{errorText(save.error)}</Alert>}
        </SettingsSection>
      )}
    </>
  );
}
