import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import type { Config } from '../../config.ts'
import { assertKey, ObjectMissing, type StorageDriver } from './driver.ts'

type S3Config = NonNullable<Config['files']['s3']>

/** Parts of a streamed multipart upload: memory held is about PART_SIZE × QUEUE_SIZE per upload. */
const PART_SIZE = 5 * 1024 * 1024
const QUEUE_SIZE = 2

/**
 * Files in an S3-compatible bucket. The AWS SDK is loaded on first use, so a node that stores files
 * on disk never pays for it. Uploads stream as multipart uploads (`@aws-sdk/lib-storage`); a failed
 * upload is aborted and nothing stays under its key.
 */
export function s3Driver(cfg: S3Config): StorageDriver {
  let sdk: Promise<{ client: S3Client; s3: typeof import('@aws-sdk/client-s3') }> | null = null
  const load = () => {
    sdk ??= import('@aws-sdk/client-s3').then((s3) => ({
      s3,
      client: new s3.S3Client({
        endpoint: cfg.endpoint,
        region: cfg.region,
        forcePathStyle: cfg.forcePathStyle,
        credentials: cfg.credentials,
        // Checksums only where S3 requires them: most S3-compatible services reject the newer defaults.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    }))
    return sdk
  }
  const Bucket = cfg.bucket
  return {
    kind: 's3',
    async write(key, body, { contentType }) {
      assertKey(key)
      const [{ client }, { Upload }] = await Promise.all([load(), import('@aws-sdk/lib-storage')])
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: body, ContentType: contentType },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      })
      try {
        await upload.done()
      } catch (err) {
        await upload.abort().catch(() => {})
        await this.remove(key).catch(() => {})
        throw err
      }
    },
    async read(key, range) {
      assertKey(key)
      const { client, s3 } = await load()
      try {
        const res = await client.send(
          new s3.GetObjectCommand({
            Bucket,
            Key: key,
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        )
        return res.Body as Readable
      } catch (err) {
        const name = (err as { name?: string }).name
        if (name === 'NoSuchKey' || name === 'NotFound') throw new ObjectMissing(key)
        throw err
      }
    },
    async remove(key) {
      assertKey(key)
      const { client, s3 } = await load()
      await client.send(new s3.DeleteObjectCommand({ Bucket, Key: key }))
    },
    async close() {
      if (sdk) (await sdk).client.destroy()
    },
  }
}
