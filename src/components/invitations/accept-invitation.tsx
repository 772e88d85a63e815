"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useRouter } from "@/i18n/navigation";
import { authClient } from "@/lib/auth-client";
import { useTRPC } from "@/trpc/react";

export function AcceptInvitationButton({ id }: { id: string }) {
  const t = useTranslations("invitation");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.tenants.invitations.accept.mutationOptions({
      onSuccess: () => {
        router.push("/projects");
        router.refresh();
      },
    }),
  );
  return (
    <div className="flex flex-col gap-3">
      <Button onClick={() => accept.mutate({ id })} disabled={accept.isPending}>
        {accept.isPending ? t("accepting") : t("accept")}
      </Button>
      {accept.error && <Alert variant="error">{errorText(accept.error)}</Alert>}
    </div>
  );
}

export function SignOutToSwitch() {
  const t = useTranslations("invitation");
  const router = useRouter();
  return (
    <Button
      variant="outline"
      onClick={async () => {
        await authClient.signOut();
        router.refresh();
      }}
    >
      {t("signOut")}
    </Button>
  );
}
