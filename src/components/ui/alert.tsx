import { cva, type VariantProps } from "class-variance-authority";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

const alertVariants = cva("rounded-md border px-3 py-2 text-sm", {
  variants: {
    variant: {
      info: "bg-muted",
      success: "border-green-300 bg-green-50 text-green-900 dark:bg-green-950 dark:text-green-100",
      error: "border-red-300 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
    },
  },
  defaultVariants: { variant: "info" },
});

export function Alert({ className, variant, ...props }: ComponentProps<"div"> & VariantProps<typeof alertVariants>) {
  return <div role={variant === "error" ? "alert" : "status"} className={cn(alertVariants({ variant }), className)} {...props} />;
}
