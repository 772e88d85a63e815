/**
 * Why a simulator operation was refused. The code picks the message the simulator pages show
 * (messages: simulator.errors.<code>); the message says exactly what was wrong, for logs and the
 * PaymentProviderError the provider turns it into.
 */
export type SimulatorErrorCode =
  | "not_found"
  | "session_completed"
  | "session_expired"
  | "invalid_state"
  | "invalid_input";

export class SimulatorError extends Error {
  override name = "SimulatorError";
  readonly code: SimulatorErrorCode;
  constructor(code: SimulatorErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The HTTP status Dodo answers the same refusal with. */
export function simulatorErrorStatus(code: SimulatorErrorCode): number {
  switch (code) {
    case "not_found":
      return 404;
    case "invalid_input":
      return 422;
    default:
      return 409;
  }
}

/** A refusal the hosted pages explain in the customer's language. */
export type SimulatorRefusal = { ok: false; error: SimulatorErrorCode };
/** What the checkout page's action answers (src/app/[locale]/simulator/actions.ts). */
export type CheckoutActionResult = { ok: true; redirectUrl: string } | SimulatorRefusal;
/** What a portal button's action answers. */
export type PortalActionResult = { ok: true } | SimulatorRefusal;
