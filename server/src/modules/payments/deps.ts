import type { EventSink } from '../../kernel/events/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { KeyRing } from './secrets.ts'
import type { StripeApi } from './stripe.ts'

/** What the payments services need of the kernel. */
export type PaymentsDeps = {
  keys: KeyRing
  stripeApi: StripeApi
  /** PAYPAL_API_URL, or null for PayPal's own hosts. */
  paypalApi: string | null
  appUrl: string
  events: EventSink
}

const made = new WeakMap<Kernel, PaymentsDeps>()

export function paymentsDeps(kernel: Kernel): PaymentsDeps {
  let d = made.get(kernel)
  if (!d) {
    d = {
      keys: new KeyRing(kernel.config.secretKey, kernel.config.previousSecretKeys),
      stripeApi: kernel.config.stripeApi,
      paypalApi: kernel.config.paypalApiUrl,
      appUrl: kernel.config.appUrl,
      events: kernel.events,
    }
    made.set(kernel, d)
  }
  return d
}
