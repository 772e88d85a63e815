import { render } from "@react-email/render";
import type { ReactElement } from "react";
import Invitation, { type InvitationProps } from "@emails/invitation";
import MagicLink from "@emails/magic-link";
import ResetPassword from "@emails/reset-password";
import { emailTranslator } from "@emails/translator";
import VerifyEmail from "@emails/verify-email";
import type { Locale } from "@/i18n/routing";
import type { EmailProvider } from "@/server/providers/email/types";

// One entry per notification: its template and the subject key under emails.<template>.subject.
const templates = {
  verifyEmail: (p: { name: string; url: string; locale: Locale }) => <VerifyEmail {...p} />,
  magicLink: (p: { url: string; locale: Locale }) => <MagicLink {...p} />,
  resetPassword: (p: { name: string; url: string; locale: Locale }) => <ResetPassword {...p} />,
  invitation: (p: InvitationProps) => <Invitation {...p} />,
} satisfies Record<string, (props: never) => ReactElement>;

export type EmailTemplate = keyof typeof templates;

export async function sendTemplateEmail<T extends EmailTemplate>(
  provider: EmailProvider,
  input: { template: T; to: string; props: Parameters<(typeof templates)[T]>[0]; idempotencyKey?: string },
): Promise<{ id: string }> {
  const element = (templates[input.template] as (p: typeof input.props) => ReactElement)(input.props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  const t = emailTranslator(input.props.locale) as (key: `${EmailTemplate}.subject`) => string;
  const subject = t(`${input.template}.subject`);
  return provider.send({
    to: input.to,
    subject,
    html,
    text,
    tags: { template: input.template, locale: input.props.locale },
    idempotencyKey: input.idempotencyKey,
  });
}
