"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Link } from "@/i18n/navigation";
import { authClient, unwrap } from "@/lib/auth-client";

export function ResetPasswordForm({ token }: { token: string }) {
  const t = useTranslations("auth.reset");
  const tSignIn = useTranslations("auth.signIn");
  const errorText = useErrorText();
  const [password, setPassword] = useState("");
  const reset = useMutation({
    mutationFn: () => unwrap(authClient.resetPassword({ newPassword: password, token })),
  });
  if (reset.isSuccess) {
    return (
      <div className="flex flex-col gap-4">
        <Alert variant="success">{t("done")}</Alert>
        <Button asChild>
          <Link href="/sign-in">{tSignIn("submit")}</Link>
        </Button>
      </div>
    );
  }
  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        reset.mutate();
      }}
    >
      <div className="grid gap-2">
        <Label htmlFor="password">{t("password")}</Label>
        <Input id="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      {reset.error && <Alert variant="error">{errorText(reset.error)}</Alert>}
      <Button type="submit" disabled={reset.isPending}>
        {reset.isPending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
