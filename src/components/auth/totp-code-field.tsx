import { z } from "@/lib/zod";
import { TextField } from "@/components/form";
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

/** The 6-digit authenticator code; spaces are allowed (and removed). */
export const totpCodeSchema = z
  .string()
  .regex(/^[0-9 ]{6,8}$/)
  .transform((code) => code.replace(/\s+/g, ""));

/** The code field as every two-factor form asks for it. */
export function TotpCodeField<T extends FieldValues>({
  form,
  name,
  id,
  label,
  autoFocus,
}: {
  form: UseFormReturn<T, unknown, FieldValues>;
  name: Path<T>;
  id: string;
  label: string;
  autoFocus?: boolean;
}) {
  return (
    <TextField
      form={form}
      name={name}
      id={id}
      label={label}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={8}
      required
      autoFocus={autoFocus}
    />
  );
}
