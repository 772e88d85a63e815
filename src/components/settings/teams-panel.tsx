"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/trpc/react";

export function TeamsPanel({ canManage }: { canManage: boolean }) {
  const t = useTranslations("settings.teams");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.tenants.teams.list.queryOptions());
  const members = useQuery(trpc.tenants.members.list.queryOptions(undefined, { enabled: canManage }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tenants.teams.list.queryKey() });
  const [name, setName] = useState("");
  const create = useMutation(trpc.tenants.teams.create.mutationOptions({ onSuccess: async () => { setName(""); await refresh(); } }));
  const remove = useMutation(trpc.tenants.teams.delete.mutationOptions({ onSuccess: refresh }));
  const addMember = useMutation(trpc.tenants.teams.addMember.mutationOptions({ onSuccess: refresh }));
  const removeMember = useMutation(trpc.tenants.teams.removeMember.mutationOptions({ onSuccess: refresh }));
  const error = create.error ?? remove.error ?? addMember.error ?? removeMember.error;

  return (
    <>
      {canManage && (
        <SettingsSection title={t("create.title")}>
          <form
            className="flex flex-col gap-2 sm:flex-row sm:items-end"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name });
            }}
          >
            <div className="grid flex-1 gap-2">
              <Label htmlFor="team-name">{t("create.name")}</Label>
              <Input id="team-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} />
            </div>
            <Button type="submit" disabled={create.isPending || !name.trim()}>
              {create.isPending ? t("create.creating") : t("create.action")}
            </Button>
          </form>
        </SettingsSection>
      )}
      {error && <Alert variant="error">{errorText(error)}</Alert>}
      {teams.isPending ? (
        <Skeleton className="h-24" />
      ) : teams.error ? (
        <Alert variant="error">{errorText(teams.error)}</Alert>
      ) : teams.data.length === 0 ? (
        <p className="rounded-lg border border-dashed p-8 text-center text-sm text-muted-foreground">{t("empty")}</p>
      ) : (
        teams.data.map((team) => {
          const memberIds = new Set(team.members.map((m) => m.memberId));
          const candidates = (members.data ?? []).filter((m) => !memberIds.has(m.id));
          return (
            <SettingsSection key={team.id} title={team.name}>
              {team.members.length === 0 ? (
                <p className="text-sm text-muted-foreground">{t("noMembers")}</p>
              ) : (
                <ul aria-label={t("membersOf", { team: team.name })} className="flex flex-col gap-1 text-sm">
                  {team.members.map((m) => (
                    <li key={m.memberId} className="flex items-center justify-between">
                      <span>{m.name}</span>
                      {canManage && (
                        <Button size="sm" variant="ghost" onClick={() => removeMember.mutate({ teamId: team.id, memberId: m.memberId })}>
                          {t("removeMember")}
                        </Button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {canManage && (
                <div className="mt-4 flex flex-wrap items-center gap-2">
                  {candidates.length > 0 && (
                    <Select
                      aria-label={t("addMemberTo", { team: team.name })}
                      className="w-56"
                      defaultValue=""
                      onChange={(e) => e.target.value && addMember.mutate({ teamId: team.id, memberId: e.target.value })}
                    >
                      <option value="" disabled>
                        {t("addMember")}
                      </option>
                      {candidates.map((m) => (
                        <option key={m.id} value={m.id}>
                          {m.name}
                        </option>
                      ))}
                    </Select>
                  )}
                  <Button size="sm" variant="outline" onClick={() => remove.mutate({ teamId: team.id })}>
                    {t("delete")}
                  </Button>
                </div>
              )}
            </SettingsSection>
          );
        })
      )}
    </>
  );
}
