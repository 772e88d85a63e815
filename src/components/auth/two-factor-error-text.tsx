"use client";
import { useTranslations } from "next-intl";
import { useErrorText } from "@/components/error-text";

type AuthError = { code?: string; status?: number; message?: string } | null | undefined;

// Better Auth's twoFactor plugin error codes, in our words; anything else goes to the shared error text.
const twoFactorCodes = {
  INVALID_CODE: "invalidCode",
  INVALID_TWO_FACTOR_COOKIE: "expired",
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE: "tooManyAttempts",
  ACCOUNT_TEMPORARILY_LOCKED: "locked",
  INVALID_PASSWORD: "invalidPassword",
} as const;

export function useTwoFactorErrorText() {
  const t = useTranslations("twoFactor.errors");
  const errorText = useErrorText();
  return (error: AuthError): string => {
    const key = error?.code ? twoFactorCodes[error.code as keyof typeof twoFactorCodes] : undefined;
    return key ? t(key) : errorText(error);
  };
}

/** Whether the error means the sign-in attempt is over and the user must start again from the password. */
export function isTwoFactorSignInOver(error: AuthError): boolean {
  return error?.code === "INVALID_TWO_FACTOR_COOKIE" || error?.code === "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE";
}
