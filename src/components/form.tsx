"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import type { ComponentProps, ReactNode } from "react";
import { get, useForm, useFormState, type FieldValues, type Path, type UseFormProps, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { useErrorText, type ErrorLike } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { validationMessageOf } from "@/lib/validation-messages";

// Every form: react-hook-form validating with the procedure's own zod schema (its issues worded in the
// reader's language, src/lib/validation-messages.ts), the server's refusals placed on the field they are
// about, and anything else in one alert under the form.

/** react-hook-form over `schema`: `z.input` while typing, `z.output` in the submit handler. */
export function useZodForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  options: Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, "resolver"> = {},
): UseFormReturn<z.input<S>, unknown, z.output<S>> {
  const t = useTranslations();
  return useForm<z.input<S>, unknown, z.output<S>>({
    ...options,
    resolver: zodResolver(schema, {
      error: (issue) => {
        const { key, params } = validationMessageOf(issue as Parameters<typeof validationMessageOf>[0]);
        return t(key as never, params as never);
      },
    }),
  });
}

/** A failed call as the tRPC client or Better Auth reports it, with the fields the server says it is about. */
export type FormCallError = ErrorLike & {
  data?: {
    field?: string | null;
    fieldIssues?: ReadonlyArray<{ field: string; key: string; params: Record<string, string | number> }> | null;
  } | null;
};

/**
 * Puts a refusal where it belongs: each invalid input next to its field (the server's zod issues), an
 * AppError about one field (`data.field`) next to that field, anything else on the form's root
 * (shown by <FormAlert>). A field counts when the form has it (a key of its defaultValues).
 */
export function useServerErrors<T extends FieldValues>(form: UseFormReturn<T, unknown, FieldValues>) {
  const t = useTranslations();
  const errorText = useErrorText();
  return (error: FormCallError) => {
    const isField = (name: string | null | undefined): name is Path<T> => {
      if (!name) return false;
      const parts = name.split(".");
      const parent: unknown = parts.length > 1 ? get(form.formState.defaultValues, parts.slice(0, -1).join(".")) : form.formState.defaultValues;
      return typeof parent === "object" && parent !== null && parts.at(-1)! in parent;
    };
    let placed = false;
    for (const issue of error?.data?.fieldIssues ?? []) {
      if (!isField(issue.field)) continue;
      form.setError(issue.field, { type: "server", message: t(issue.key as never, issue.params as never) });
      placed = true;
    }
    const field = error?.data?.field;
    if (isField(field)) {
      form.setError(field, { type: "server", message: errorText(error) }, { shouldFocus: true });
      placed = true;
    }
    if (!placed) form.setError("root.server", { type: "server", message: errorText(error) });
  };
}

/** The form-level refusal (root.server), as an alert. */
export function FormAlert<T extends FieldValues>({ form, className }: { form: UseFormReturn<T, unknown, FieldValues>; className?: string }) {
  const { errors } = useFormState({ control: form.control, name: "root.server" as Path<T> });
  const message = errors.root?.server?.message;
  return message ? (
    <Alert variant="error" className={className}>
      {message}
    </Alert>
  ) : null;
}

/** The message of one field's error, if any (subscribes to that field only). */
export function useFieldError<T extends FieldValues>(form: UseFormReturn<T, unknown, FieldValues>, name: Path<T>): string | undefined {
  const { errors } = useFormState({ control: form.control, name });
  return (get(errors, name) as { message?: string } | undefined)?.message;
}

/** What an input needs to point at its error: aria-invalid and aria-describedby (with an optional hint's id). */
export function describedBy(id: string, error: string | undefined, hintId?: string) {
  const ids = [hintId, error ? `${id}-error` : undefined].filter(Boolean).join(" ");
  return { "aria-invalid": error ? true : undefined, "aria-describedby": ids || undefined };
}

/** The sentence under a field; `id` is the input's id (the message is `${id}-error`). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={`${id}-error`} role="alert" className="text-xs text-destructive">
      {message}
    </p>
  ) : null;
}

/** A labelled text input bound to `name`, with its error under it. */
export function TextField<T extends FieldValues>({
  form,
  name,
  id,
  label,
  hint,
  labelAside,
  className,
  ...input
}: {
  form: UseFormReturn<T, unknown, FieldValues>;
  name: Path<T>;
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Shown at the end of the label's row (a "Forgot your password?" link). */
  labelAside?: ReactNode;
  className?: string;
} & Omit<ComponentProps<typeof Input>, "id" | "name" | "form">) {
  const error = useFieldError(form, name);
  const hintId = hint ? `${id}-hint` : undefined;
  const labelElement = <Label htmlFor={id}>{label}</Label>;
  return (
    <div className={className ?? "grid gap-2"}>
      {labelAside ? (
        <div className="flex items-center justify-between">
          {labelElement}
          {labelAside}
        </div>
      ) : (
        labelElement
      )}
      <Input id={id} {...input} {...form.register(name)} {...describedBy(id, error, hintId)} />
      {hint && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      <FieldError id={id} message={error} />
    </div>
  );
}
