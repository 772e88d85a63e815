"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { toast } from "sonner";
import { useErrorText } from "@/components/error-text";
import { FieldError, FormAlert, describedBy, TextField, useFieldError, useServerErrors, useZodForm } from "@/components/form";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { createInvitationInputSchema } from "@/server/domain/tenancy/inputs";
import { useTRPC } from "@/trpc/react";

interface Props {
  currentUserId: string;
  canInvite: boolean;
  canUpdate: boolean;
  canRemove: boolean;
}

export function MembersPanel({ currentUserId, canInvite, canUpdate, canRemove }: Props) {
  const t = useTranslations("settings.members");
  const toasts = useTranslations("toasts");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const format = useFormatter();
  const members = useQuery(trpc.tenants.members.list.queryOptions());
  const roles = useQuery(trpc.iamRoles.list.queryOptions());
  const invitations = useQuery(trpc.tenants.invitations.list.queryOptions(undefined, { enabled: canInvite }));
  const refresh = () => queryClient.invalidateQueries();
  const changeRole = useMutation(
    trpc.tenants.members.changeRole.mutationOptions({
      onSuccess: async () => {
        toast.success(toasts("memberRoleChanged"));
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.tenants.members.remove.mutationOptions({
      onSuccess: async () => {
        toast.success(toasts("memberRemoved"));
        await refresh();
      },
    }),
  );

  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.key, label: r.builtIn ? t(`roleNames.${r.key}` as never) : r.name }));
  const roleLabel = (key: string) => roleOptions.find((o) => o.value === key)?.label ?? key;
  const memberError = changeRole.error ?? remove.error;

  return (
    <>
      {canInvite && <InviteForm roleOptions={roleOptions} onInvited={refresh} />}

      <SettingsSection title={t("list.title")}>
        {members.isPending ? (
          <div role="status" aria-label={t("loading")} className="flex flex-col gap-2">
            <Skeleton className="h-10" />
            <Skeleton className="h-10" />
          </div>
        ) : members.error ? (
          <Alert variant="error">{errorText(members.error)}</Alert>
        ) : (
          <ul aria-label={t("list.title")} className="divide-y rounded-md border">
            {members.data.map((m) => (
              <li key={m.id} aria-label={m.email} className="flex flex-col gap-2 p-3 text-sm sm:flex-row sm:items-center sm:justify-between">
                <span className="min-w-0">
                  <span className="font-medium">{m.name}</span> {m.userId === currentUserId && <span className="text-muted-foreground">({t("list.you")})</span>}
                  <span className="block truncate text-xs text-muted-foreground">{m.email}</span>
                </span>
                <span className="flex items-center gap-2">
                  {m.memberType === "guest" && <Badge variant="warning">{t("list.guest")}</Badge>}
                  {canUpdate && m.userId !== currentUserId ? (
                    <Select
                      aria-label={t("list.roleFor", { name: m.name })}
                      className="w-36"
                      value={m.role}
                      disabled={changeRole.isPending}
                      onChange={(e) => changeRole.mutate({ memberId: m.id, role: e.target.value })}
                    >
                      {roleOptions.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </Select>
                  ) : (
                    <Badge>{roleLabel(m.role)}</Badge>
                  )}
                  {canRemove && m.userId !== currentUserId && (
                    <Button size="sm" variant="ghost" onClick={() => remove.mutate({ memberId: m.id })} disabled={remove.isPending}>
                      {t("list.remove")}
                    </Button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
        {memberError && <Alert variant="error" className="mt-3">{errorText(memberError)}</Alert>}
      </SettingsSection>

      {canInvite && (
        <SettingsSection title={t("invitations.title")}>
          {invitations.isPending ? (
            <Skeleton className="h-10" />
          ) : (invitations.data?.length ?? 0) === 0 ? (
            <p className="text-sm text-muted-foreground">{t("invitations.empty")}</p>
          ) : (
            <ul aria-label={t("invitations.title")} className="divide-y rounded-md border">
              {invitations.data?.map((inv) => (
                <InvitationRow
                  key={inv.id}
                  invitation={inv}
                  roleLabel={roleLabel(inv.role ?? "member")}
                  expires={format.dateTime(inv.expiresAt, { dateStyle: "medium" })}
                  onChanged={refresh}
                />
              ))}
            </ul>
          )}
        </SettingsSection>
      )}
    </>
  );
}

function InviteForm({ roleOptions, onInvited }: { roleOptions: { value: string; label: string }[]; onInvited: () => Promise<void> }) {
  const t = useTranslations("settings.members.invite");
  const toasts = useTranslations("toasts");
  const trpc = useTRPC();
  const form = useZodForm(createInvitationInputSchema, { defaultValues: { email: "", role: "member", memberType: "member" } });
  const serverErrors = useServerErrors(form);
  const invite = useMutation(
    trpc.tenants.invitations.create.mutationOptions({
      onSuccess: async (_, { email }) => {
        form.reset({ email: "", role: form.getValues("role"), memberType: form.getValues("memberType") });
        toast.success(toasts("memberInvited", { email }));
        await onInvited();
      },
      // A refused email provider or an existing member lands next to the email field, a role refusal next to the role.
      onError: serverErrors,
    }),
  );
  const memberType = form.watch("memberType");
  const roleError = useFieldError(form, "role");
  return (
    <SettingsSection title={t("title")} description={t("description")}>
      <form
        className="grid gap-3 sm:grid-cols-[1fr_10rem_9rem_auto] sm:items-start"
        noValidate
        onSubmit={form.handleSubmit((input) => invite.mutate({ ...input, role: input.memberType === "guest" ? "guest" : input.role }))}
      >
        <TextField form={form} name="email" id="invite-email" label={t("email")} type="email" required />
        <div className="grid gap-2">
          <Label htmlFor="invite-type">{t("type")}</Label>
          <Select id="invite-type" {...form.register("memberType")}>
            <option value="member">{t("typeMember")}</option>
            <option value="guest">{t("typeGuest")}</option>
          </Select>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="invite-role">{t("role")}</Label>
          {memberType === "guest" ? (
            // A guest is invited with the guest role (or a custom one, set later): nothing to choose here.
            <Select id="invite-role" value="guest" disabled>
              {roleOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          ) : (
            <Select id="invite-role" {...form.register("role")} {...describedBy("invite-role", roleError)}>
              {roleOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          )}
          <FieldError id="invite-role" message={roleError} />
        </div>
        <Button type="submit" className="sm:mt-6" disabled={invite.isPending}>
          {invite.isPending ? t("sending") : t("send")}
        </Button>
      </form>
      <FormAlert form={form} className="mt-3" />
    </SettingsSection>
  );
}

function InvitationRow({
  invitation,
  roleLabel,
  expires,
  onChanged,
}: {
  invitation: { id: string; email: string; status: string; memberType: string };
  roleLabel: string;
  expires: string;
  onChanged: () => Promise<void>;
}) {
  const t = useTranslations("settings.members.invitations");
  const toasts = useTranslations("toasts");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const done = (message: "invitationResent" | "invitationRevoked") => async () => {
    toast.success(toasts(message));
    await onChanged();
  };
  const resend = useMutation(trpc.tenants.invitations.resend.mutationOptions({ onSuccess: done("invitationResent") }));
  const revoke = useMutation(trpc.tenants.invitations.revoke.mutationOptions({ onSuccess: done("invitationRevoked") }));
  const pending = invitation.status === "pending";
  return (
    <li aria-label={invitation.email} className="flex flex-col gap-2 p-3 text-sm sm:flex-row sm:items-center sm:justify-between">
      <span>
        <span className="font-medium">{invitation.email}</span>
        <span className="block text-xs text-muted-foreground">
          {roleLabel} · {t(`status.${invitation.status}` as never)} {pending && `· ${t("expires", { date: expires })}`}
        </span>
      </span>
      {pending && (
        <span className="flex gap-2">
          <Button size="sm" variant="outline" onClick={() => resend.mutate({ id: invitation.id })} disabled={resend.isPending}>
            {resend.isPending ? t("resending") : t("resend")}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => revoke.mutate({ id: invitation.id })} disabled={revoke.isPending}>
            {t("revoke")}
          </Button>
        </span>
      )}
      {(resend.error ?? revoke.error) && <Alert variant="error">{errorText(resend.error ?? revoke.error)}</Alert>}
    </li>
  );
}
