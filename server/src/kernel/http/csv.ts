import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { FastifyReply } from 'fastify'

/** Spreadsheet apps run cells starting with these as formulas; a leading quote keeps them text. */
export function neutralise(v: string | null | undefined): string {
  const s = v ?? ''
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
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
