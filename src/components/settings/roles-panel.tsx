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

export function RolesPanel({ canManage }: { canManage: boolean }) {
  const t = useTranslations("settings.roles");
  const tm = useTranslations("settings.members");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roles = useQuery(trpc.iamRoles.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.iamRoles.list.queryKey() });
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState<Set<Permission>>(new Set(["project:read"]));
  const create = useMutation(
    trpc.iamRoles.create.mutationOptions({
      onSuccess: async () => {
        setName("");
        await refresh();
      },
    }),
  );
  const remove = useMutation(trpc.iamRoles.delete.mutationOptions({ onSuccess: refresh }));

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
              <li key={r.key} aria-label={r.builtIn ? tm(`roleNames.${r.key}` as never) : r.name} className="flex flex-col gap-2 p-3 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-medium">
                    {r.builtIn ? tm(`roleNames.${r.key}` as never) : r.name} {r.builtIn && <Badge>{t("list.builtIn")}</Badge>}
                  </span>
                  {canManage && !r.builtIn && (
                    <Button size="sm" variant="ghost" onClick={() => r.id && remove.mutate({ roleId: r.id })} disabled={remove.isPending}>
                      {t("list.delete")}
                    </Button>
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
        <SettingsSection title={t("create.title")} description={t("create.description")}>
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name, description: "", permissions: [...permissions] });
            }}
          >
            <div className="grid gap-2">
              <Label htmlFor="role-name">{t("create.name")}</Label>
              <Input id="role-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} />
            </div>
            <fieldset className="grid grid-cols-2 gap-2 sm:grid-cols-3">
              <legend className="mb-2 text-sm font-medium">{t("create.permissions")}</legend>
              {grantable.map((p) => (
                <div key={p} className="flex items-center gap-2 text-sm">
                  <Checkbox
                    id={`perm-${p}`}
                    checked={permissions.has(p)}
                    onCheckedChange={(v) => {
                      const next = new Set(permissions);
                      if (v === true) next.add(p);
                      else next.delete(p);
                      setPermissions(next);
                    }}
                  />
                  <Label htmlFor={`perm-${p}`} className="font-mono text-xs font-normal">
                    {p}
                  </Label>
                </div>
              ))}
            </fieldset>
            <Button type="submit" className="self-start" disabled={create.isPending || !name.trim()}>
              {create.isPending ? t("create.creating") : t("create.action")}
            </Button>
          </form>
          {create.error && <Alert variant="error" className="mt-3">{errorText(create.error)}</Alert>}
        </SettingsSection>
      )}
    </>
  );
}
