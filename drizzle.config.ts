import { defineConfig } from 'drizzle-kit'

/**
 * Where the tables are: every `schema.ts` (or `*.schema.ts`) under the kernel and the modules. A new
 * module's tables are found without editing any central file.
 */
export const schemaFiles = './server/src/{kernel,modules}/**/{schema,*.schema}.ts'

export default defineConfig({
  dialect: 'postgresql',
  schema: schemaFiles,
  out: './server/src/db/migrations',
  casing: 'snake_case',
})
