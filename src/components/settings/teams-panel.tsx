"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { z } from "@/lib/zod";
import { useErrorText } from "@/components/error-text";
import { FormAlert, TextField, useServerErrors, useZodForm } from "@/components/form";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { teamNameSchema } from "@/server/domain/tenancy/inputs";
import { useTRPC } from "@/trpc/react";

const createTeamSchema = z.object({ name: teamNameSchema });

export function TeamsPanel({ canManage }: { canManage: boolean }) {
  const t = useTranslations("settings.teams");
  const toasts = useTranslations("toasts");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.tenants.teams.list.queryOptions());
  const members = useQuery(trpc.tenants.members.list.queryOptions(undefined, { enabled: canManage }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tenants.teams.list.queryKey() });
  const form = useZodForm(createTeamSchema, { defaultValues: { name: "" } });
  const serverErrors = useServerErrors(form);
  const done = (message: "teamDeleted" | "teamMemberAdded" | "teamMemberRemoved") => async () => {
    toast.success(toasts(message));
    await refresh();
  };
  const create = useMutation(
    trpc.tenants.teams.create.mutationOptions({
      onSuccess: async (team) => {
        form.reset();
        toast.success(toasts("teamCreated", { name: team.name }));
        await refresh();
      },
      // A name taken lands next to the name field.
      onError: serverErrors,
    }),
  );
  const remove = useMutation(trpc.tenants.teams.delete.mutationOptions({ onSuccess: done("teamDeleted") }));
  const addMember = useMutation(trpc.tenants.teams.addMember.mutationOptions({ onSuccess: done("teamMemberAdded") }));
  const removeMember = useMutation(trpc.tenants.teams.removeMember.mutationOptions({ onSuccess: done("teamMemberRemoved") }));
  const error = remove.error ?? addMember.error ?? removeMember.error;

  return (
    <>
      {canManage && (
        <SettingsSection title={t("create.title")}>
          <form className="flex flex-col gap-2 sm:flex-row sm:items-start" noValidate onSubmit={form.handleSubmit((input) => create.mutate(input))}>
            <TextField form={form} name="name" id="team-name" label={t("create.name")} className="grid flex-1 gap-2" required maxLength={80} />
            <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
              {create.isPending ? t("create.creating") : t("create.action")}
            </Button>
          </form>
          <FormAlert form={form} className="mt-3" />
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
