import { getTranslations, setRequestLocale } from "next-intl/server";
import { AcceptInvitationButton, SignOutToSwitch } from "@/components/invitations/accept-invitation";
import { SiteHeader } from "@/components/site-header";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Link } from "@/i18n/navigation";
import { getServerApi } from "@/trpc/server";

export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ locale: string; id: string }> }) {
  const { locale, id } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("invitation");
  const api = await getServerApi();
  const invitation = await api.tenants.invitations.get({ id }).catch(() => null);

  let body;
  if (!invitation) {
    body = <Alert variant="error">{t("status.notFound")}</Alert>;
  } else if (invitation.status !== "pending") {
    body = <Alert variant="error">{t(`status.${invitation.status}`)}</Alert>;
  } else {
    const roleLabel = invitation.roleName ?? t(`roles.${invitation.role as "owner" | "admin" | "member" | "guest"}`);
    body = (
      <>
        <p className="text-lg">{t("invitedBy", { inviter: invitation.inviterName, tenant: invitation.tenantName })}</p>
        <p className="text-sm text-muted-foreground">{t("role", { role: roleLabel })}</p>
        {invitation.memberType === "guest" && <p className="text-sm text-muted-foreground">{t("guestNote")}</p>}
        <p className="text-sm text-muted-foreground">{t("sentTo", { email: invitation.email })}</p>
        {invitation.forYou === null ? (
          <>
            <p className="text-sm">{t("signedOutHint", { email: invitation.email })}</p>
            <div className="flex gap-2">
              <Button asChild>
                <Link href="/sign-up">{t("signUp")}</Link>
              </Button>
              <Button asChild variant="outline">
                <Link href="/sign-in">{t("signIn")}</Link>
              </Button>
            </div>
          </>
        ) : invitation.forYou ? (
          <AcceptInvitationButton id={id} />
        ) : (
          <>
            <Alert variant="error">{t("wrongAccount", { email: invitation.email })}</Alert>
            <SignOutToSwitch />
          </>
        )}
      </>
    );
  }

  return (
    <>
      <SiteHeader />
      <main className="mx-auto flex w-full max-w-md flex-col gap-4 px-6 py-12">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        {body}
      </main>
    </>
  );
}
