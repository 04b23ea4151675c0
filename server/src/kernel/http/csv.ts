import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { FastifyReply } from 'fastify'

// A sign followed only by digits, spaces and number punctuation is a number or a phone number
// (`+44 20 7946 0958`, `-12.5`), which a spreadsheet keeps as it is; anything else after a sign runs.
const SIGNED_NUMBER = /^[+-][\d\s()./-]*\d[\d\s()./-]*$/

/** Whether a spreadsheet would evaluate this cell as a formula. */
export function isFormula(s: string): boolean {
  if (/^[=@\t\r]/.test(s)) return true
  return /^[+-]/.test(s) && !SIGNED_NUMBER.test(s)
}

/** Spreadsheet apps run cells that look like formulas; a leading quote keeps them text. */
export function neutralise(v: string | null | undefined): string {
  const s = v ?? ''
  return isFormula(s) ? `'${s}` : s
}

/** Removes the quote `neutralise` added, so an exported file imports back to the same values. */
export function unneutralise(s: string): string {
  return s.startsWith("'") && isFormula(s.slice(1)) ? s.slice(1) : s
}

/**
 * Streams rows as a CSV download. Rows are pulled one page at a time as the client reads, so memory
 * stays flat whatever the size; every cell is neutralised against formula injection. The first row is
 * read before the response starts, so a failing query still answers with a problem.
 */
export async function sendCsv(
  reply: FastifyReply,
  filename: string,
  header: string[],
  rows: AsyncIterator<(string | number | null | undefined)[]>,
): Promise<FastifyReply> {
  const first = await rows.next()
  const csv = stringify({ header: true, columns: header })
  const source = Readable.from(
    (async function* () {
      let r = first
      while (!r.done) {
        yield r.value.map((c) => (typeof c === 'number' ? String(c) : neutralise(c)))
        r = await rows.next()
      }
    })(),
  )
  reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`)
  return reply.send(source.pipe(csv) as never)
}
