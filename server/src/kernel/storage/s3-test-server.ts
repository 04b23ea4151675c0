import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SERVER = `
const S3rver = require('s3rver')
const [directory, bucket] = process.argv.slice(1)
new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] })
  .run()
  .then(({ port }) => console.log('port ' + port))
`

/**
 * A real S3 HTTP server (s3rver, test-only: it does not check signatures) in a child process, so that
 * its memory is not counted as the test's, with one bucket, and the environment that points Atrium at it.
 */
export async function startS3(bucket = 'atrium-test') {
  const directory = mkdtempSync(join(tmpdir(), 'atrium-s3-'))
  const child = spawn(process.execPath, ['-e', SERVER, directory, bucket], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      const m = /port (\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)))
  })
  const env = {
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_BUCKET: bucket,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  }
  return {
    env,
    directory,
    async close() {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill()
      await exited
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
