/**
 * Money is an integer number of minor units with an ISO 4217 currency (1250 EUR = €12.50). How many
 * digits the minor unit has comes from the currency, through Intl: JPY 0, EUR 2, BHD 3. Server and web
 * both use these, so an amount reads and prints the same in forms, CSV imports and exports.
 */

const digitsCache = new Map<string, number>()

/** Digits after the decimal point of a currency (EUR 2, JPY 0, BHD 3); 2 when none or unknown. */
export function currencyDigits(currency: string | null | undefined): number {
  if (!currency) return 2
  let digits = digitsCache.get(currency)
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2
    } catch {
      digits = 2
    }
    digitsCache.set(currency, digits)
  }
  return digits
}

const AMOUNT = /^(-)?(\d+)(?:\.(\d*))?$/

/**
 * An amount as people write it ("1,250.50", "-3", "12.5") in minor units of the currency, or null when
 * the text is not an amount, has more decimals than the currency, or is beyond a safe integer.
 */
export function toMinorUnits(text: string, currency: string | null | undefined): number | null {
  const digits = currencyDigits(currency)
  const m = AMOUNT.exec(text.trim().replace(/[\s,_']/g, ''))
  if (!m) return null
  const [, sign, units = '0', fraction = ''] = m
  if (fraction.length > digits) return null
  const minor = Number(units + fraction.padEnd(digits, '0'))
  if (!Number.isSafeInteger(minor)) return null
  return sign && minor !== 0 ? -minor : minor
}

/** Minor units as a plain amount with the currency's digits ("1250.50", "1250", "1.250"); '' when not a number. */
export function fromMinorUnits(minor: unknown, currency: string | null | undefined): string {
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) return ''
  const digits = currencyDigits(currency)
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0')
  const text = digits ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs
  return minor < 0 ? `-${text}` : text
}

/** Minor units formatted for people in a locale ("€12.50", "¥1,250"). */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const digits = currencyDigits(currency)
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits)
}
