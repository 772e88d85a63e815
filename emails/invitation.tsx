import { Text } from "@react-email/components";
import type { Locale } from "@/i18n/routing";
import { isBuiltInRole } from "@/server/domain/rbac/permissions";
import { EmailLayout } from "./components/email-layout";
import { emailTranslator } from "./translator";

export interface InvitationProps {
  locale: Locale;
  tenantName: string;
  inviterName: string;
  /** A built-in role (translated here) or a custom role key, shown as `roleName`. */
  role: string;
  roleName?: string | null;
  memberType: "member" | "guest";
  /** The accept page, /invitations/<id> in the recipient's locale. */
  url: string;
  expiresInDays: number;
}

export default function Invitation({ locale, tenantName, inviterName, role, roleName, memberType, url, expiresInDays }: InvitationProps) {
  const t = emailTranslator(locale);
  const roleLabel = isBuiltInRole(role) ? t(`invitation.roles.${role}`) : (roleName ?? role);
  return (
    <EmailLayout
      lang={locale}
      preview={t("invitation.preview", { inviter: inviterName, tenant: tenantName })}
      heading={t("invitation.heading", { tenant: tenantName })}
      action={{ label: t("invitation.action"), url }}
      footer={t("invitation.footer")}
    >
      <Text>{t("invitation.body", { inviter: inviterName, tenant: tenantName, role: roleLabel })}</Text>
      {memberType === "guest" && <Text>{t("invitation.guestNote")}</Text>}
      <Text>{t("invitation.signUpHint")}</Text>
      <Text>{t("invitation.expiry", { days: expiresInDays })}</Text>
    </EmailLayout>
  );
}

Invitation.PreviewProps = {
  locale: "en",
  tenantName: "Acme",
  inviterName: "Ada Lovelace",
  role: "member",
  memberType: "member",
  url: "http://localhost:3000/invitations/01970000-0000-7000-8000-000000000000",
  expiresInDays: 7,
} satisfies InvitationProps;
