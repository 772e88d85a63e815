import { Loader2 } from "lucide-react";
import { Button, type ButtonProps } from "@/components/ui/button";

/**
 * A button that shows its pending state with a spinner and aria-busy while keeping its label, so its
 * accessible name stays the same before, during and after the click.
 */
export function BusyButton({ busy, disabled, children, ...props }: ButtonProps & { busy: boolean }) {
  return (
    <Button aria-busy={busy} disabled={disabled || busy} {...props}>
      {busy && <Loader2 className="size-4 animate-spin" aria-hidden />}
      {children}
    </Button>
  );
}
