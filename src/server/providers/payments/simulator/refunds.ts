import { insertObject, lockObject, paymentRefund, refundedAmount, saveObject } from "./objects";
import { simulatorStep, type SimulatorContext } from "./context";
import { SimulatorError } from "./errors";

/**
 * Refunds a succeeded payment, all of what is left of it or `amount` (minor units): refund.succeeded
 * with refund_id, payment_id and amount. The payment's refunds list (and so its next payload) grows.
 */
export function refundPayment(ctx: SimulatorContext, paymentId: string, amount?: number): Promise<{ refundId: string; amount: number }> {
  return simulatorStep(ctx, async ({ tx, now, emit }) => {
    const payment = await lockObject(tx, "payment", paymentId);
    if (!payment) throw new SimulatorError("not_found", `Payment ${paymentId} does not exist in the payment simulator`);
    if (payment.status !== "succeeded") throw new SimulatorError("invalid_state", `Payment ${paymentId} ${payment.status}: only a succeeded payment can be refunded`);
    const remaining = payment.total_amount - refundedAmount(payment);
    if (remaining <= 0) throw new SimulatorError("invalid_state", `Payment ${paymentId} has nothing left to refund`);
    const refundAmount = amount ?? remaining;
    if (!Number.isInteger(refundAmount) || refundAmount < 1 || refundAmount > remaining) {
      throw new SimulatorError("invalid_input", `Refund amount must be a whole number of minor units from 1 to ${remaining}, got ${refundAmount}`);
    }
    const refund = paymentRefund(payment, refundAmount, now);
    await insertObject(tx, "refund", refund.refund_id, refund);
    payment.refunds.push({ refund_id: refund.refund_id, amount: refundAmount, created_at: refund.created_at });
    await saveObject(tx, "payment", paymentId, payment);
    await emit("refund.succeeded", refund.refund_id);
    return { refundId: refund.refund_id, amount: refundAmount };
  });
}
