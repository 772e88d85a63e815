import { Body, Button, Container, Head, Heading, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export interface EmailLayoutProps {
  lang: string;
  preview: string;
  heading: string;
  children: ReactNode;
  action?: { label: string; url: string };
  footer: string;
}

/** The frame every email shares: one heading, a few paragraphs, one button, the link in plain text. */
export function EmailLayout({ lang, preview, heading, children, action, footer }: EmailLayoutProps) {
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f6f7f9", fontFamily: "Helvetica, Arial, sans-serif", color: "#111827" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: 8, margin: "32px auto", padding: 32, maxWidth: 480 }}>
          <Heading as="h1" style={{ fontSize: 20, margin: "0 0 16px" }}>
            {heading}
          </Heading>
          {children}
          {action && (
            <Section style={{ margin: "24px 0" }}>
              <Button
                href={action.url}
                style={{ backgroundColor: "#111827", color: "#ffffff", borderRadius: 6, padding: "10px 18px", fontSize: 14 }}
              >
                {action.label}
              </Button>
              <Text style={{ fontSize: 12, color: "#6b7280", wordBreak: "break-all" }}>{action.url}</Text>
            </Section>
          )}
          <Text style={{ fontSize: 12, color: "#6b7280" }}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}
