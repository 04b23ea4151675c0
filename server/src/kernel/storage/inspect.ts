import { createHash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { Problem } from '../http/problem.ts'
import { decideType } from './media-types.ts'

/** Bytes read before deciding a file's type: enough for zip-based office files' first entries. */
const SNIFF_BYTES = 64 * 1024

export type Inspection = { type: string; size: number; sha256: string }

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`

export const tooLarge = (maxBytes: number) =>
  new Problem({
    status: 413,
    type: 'file-too-large',
    title: 'File too large',
    detail: `The file is larger than ${mib(maxBytes)}, the largest this workspace accepts.`,
    errors: [{ field: 'file', message: `must be at most ${maxBytes} bytes` }],
  })

/**
 * A pass-through stream in front of a storage driver: it holds back the first 64 KB until the file's
 * type is decided from them (refusing a type the name contradicts or the allow-list lacks), counts
 * bytes (failing as soon as `maxBytes` is passed) and computes the SHA-256 as bytes flow. Memory is
 * bounded by the sniffed head, whatever the file's size. `result` is set once the stream has ended.
 */
export class Inspector extends Transform {
  result: Inspection | null = null
  private head: Buffer[] = []
  private headBytes = 0
  // Not `size` or `length`: lib-storage reads those of a body as its byte count.
  private counted = 0
  private decided: string | null = null
  private readonly hash = createHash('sha256')
  private readonly fileName: string
  private readonly maxBytes: number
  private readonly allowed: readonly string[]

  constructor(name: string, maxBytes: number, allowed: readonly string[]) {
    super()
    this.fileName = name
    this.maxBytes = maxBytes
    this.allowed = allowed
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.counted += chunk.length
    if (this.counted > this.maxBytes) {
      cb(tooLarge(this.maxBytes))
      return
    }
    this.hash.update(chunk)
    if (this.decided !== null) {
      cb(null, chunk)
      return
    }
    this.head.push(chunk)
    this.headBytes += chunk.length
    if (this.headBytes < SNIFF_BYTES) cb()
    else this.decide().then(() => cb(), cb)
  }

  override _flush(cb: TransformCallback): void {
    const done = () => {
      this.result = { type: this.decided!, size: this.counted, sha256: this.hash.digest('hex') }
      cb()
    }
    if (this.decided !== null) done()
    else if (this.counted === 0)
      cb(
        new Problem({
          status: 400,
          type: 'validation',
          title: 'Invalid request',
          detail: 'The file is empty.',
          errors: [{ field: 'file', message: 'must not be empty' }],
        }),
      )
    else this.decide().then(done, cb)
  }

  private async decide(): Promise<void> {
    const head = Buffer.concat(this.head)
    this.head = []
    const detected = await sniff(head)
    const verdict = decideType(this.fileName, detected, this.allowed)
    if (!verdict.ok) throw typeProblem(verdict, this.fileName)
    this.decided = verdict.type
    this.push(head)
  }
}

async function sniff(head: Buffer): Promise<string> {
  const { fileTypeFromBuffer } = await import('file-type')
  const found = await fileTypeFromBuffer(head)
  if (found) return found.mime
  if (head.includes(0)) return 'binary'
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true })
    return 'text'
  } catch {
    return 'binary'
  }
}

function typeProblem(
  v: { reason: 'mismatch' | 'not-allowed' | 'unknown'; detected: string; named: string | null },
  name: string,
): Problem {
  const [type, title, detail, field, message] =
    v.reason === 'mismatch'
      ? [
          'file-type-mismatch',
          'File content does not match its name',
          `The file's content is ${v.detected}, but its name (${name}) says ${v.named}.`,
          'file',
          `content is ${v.detected}, not ${v.named} as its name says`,
        ]
      : v.reason === 'unknown'
        ? [
            'file-type-not-allowed',
            'File type not accepted',
            'The file is neither text nor a known file type.',
            'file',
            'is not a recognised file type',
          ]
        : [
            'file-type-not-allowed',
            'File type not accepted',
            `Files of type ${v.detected} are not accepted here.`,
            'file',
            `type ${v.detected} is not accepted`,
          ]
  return new Problem({ status: 415, type, title, detail, errors: [{ field, message }] })
}
