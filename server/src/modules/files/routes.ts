import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import {
  DownloadQuerySchema,
  FileIdSchema,
  FileListQuerySchema,
  FilePageSchema,
  FileSchema,
  SignedDownloadQuerySchema,
  SignedUrlRequestSchema,
  SignedUrlSchema,
  UploadQuerySchema,
} from '../../../../contracts/files.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { sendStoredFile, storageOf } from '../../kernel/storage/index.ts'
import * as service from './service.ts'

const errors = problemResponses(400, 401, 403, 404)
const params = z.object({ id: FileIdSchema })
const binary = { 200: z.any().describe('The file’s bytes'), 206: z.any().describe('The requested range') }

export function registerFileRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'config' | 'log'>,
) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const storage = storageOf(kernel)
  const tags = ['Files']

  app.register(async (scope) => {
    // The body is the file itself, of any type, read as it arrives: nothing parses or buffers it.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null))
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/files',
      {
        config: { permission: 'files:write' },
        schema: {
          tags,
          summary: 'Upload a file (the raw body), optionally attached to a record',
          description:
            'Send the file’s bytes as the body (any `Content-Type`; `application/octet-stream` will do) and its name in `name`. The type is decided from the content and must match the name’s extension and the allowed types (415 otherwise); files over the size limit are refused with 413 as soon as they pass it. With `recordType` and `recordId` the file belongs to that record: attaching needs permission to change the record (403 when you may only see it, 404 when you may not see it), and the file is visible to whoever sees the record.',
          querystring: UploadQuerySchema,
          consumes: ['application/octet-stream'],
          response: { 201: FileSchema, ...errors, ...problemResponses(413, 415) },
        },
      },
      async (req, reply) => {
        const length = req.headers['content-length']
        try {
          const file = await service.uploadFile(storage, workspaceContext(req, db), req.raw, {
            ...req.query,
            declaredSize: length && /^\d+$/.test(length) ? Number(length) : undefined,
          })
          return reply.status(201).send(file)
        } catch (err) {
          // The rest of a refused body is not read: the connection closes after the answer.
          if (!req.raw.complete) reply.header('connection', 'close')
          throw err
        }
      },
    )
  })

  app.get(
    '/api/v1/files',
    {
      config: { permission: 'files:read' },
      schema: {
        tags,
        summary: 'Files of a record, or the files without a record you uploaded (all of them for admins)',
        querystring: FileListQuerySchema,
        response: { 200: FilePageSchema, ...errors },
      },
    },
    async (req) => service.listFiles(workspaceContext(req, db), req.query),
  )

  app.get(
    '/api/v1/files/:id',
    {
      config: { permission: 'files:read' },
      schema: { tags, summary: 'A file’s metadata', params, response: { 200: FileSchema, ...errors } },
    },
    async (req) => service.getFileOut(storage, workspaceContext(req, db), req.params.id),
  )

  app.get(
    '/api/v1/files/:id/content',
    {
      config: { permission: 'files:read' },
      schema: {
        tags,
        summary: 'Download a file (streamed; one byte range with Range)',
        params,
        querystring: DownloadQuerySchema,
        response: { ...binary, ...errors, ...problemResponses(416) },
      },
    },
    async (req, reply) => {
      const file = await service.getFile(storage, workspaceContext(req, db), req.params.id)
      return sendStoredFile(req, reply, storage, file, req.query.disposition)
    },
  )

  app.post(
    '/api/v1/files/:id/signed-url',
    {
      config: { permission: 'files:read' },
      schema: {
        tags,
        summary: 'A short-lived link that downloads the file without a session',
        params,
        body: SignedUrlRequestSchema,
        response: { 201: SignedUrlSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await service.signedUrl(
            storage,
            workspaceContext(req, db),
            kernel.config.appUrl,
            req.params.id,
            req.body,
          ),
        ),
  )

  app.get(
    '/api/v1/files/:id/download',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Download a file through a signed link (no session)',
        description: '403 when the signature does not match, 410 when the link has expired.',
        params,
        querystring: SignedDownloadQuerySchema,
        response: { ...binary, ...errors, ...problemResponses(410, 416) },
      },
    },
    async (req, reply) => {
      const { workspaceId, expires, signature, disposition } = req.query
      const file = await service.fileBySignature(storage, db, {
        fileId: req.params.id,
        workspaceId,
        expires,
        signature,
      })
      return sendStoredFile(req, reply, storage, file, disposition)
    },
  )

  app.delete(
    '/api/v1/files/:id',
    {
      config: { permission: 'files:write' },
      schema: {
        tags,
        summary:
          'Delete a file (its uploader, owners and admins; for a record’s file, while they may change the record)',
        params,
        response: { 204: z.null().describe('Deleted'), ...errors },
      },
    },
    async (req, reply) => {
      await service.deleteFile(storage, workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )
}
