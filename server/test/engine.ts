/** Which database the tests run on: PGlite unless ATRIUM_TEST_ENGINE=postgres (with TEST_DATABASE_URL). */
export function engine(): 'pglite' | 'postgres' {
  return process.env.ATRIUM_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite'
}

export function adminUrl(): URL {
  const url = process.env.TEST_DATABASE_URL
  if (!url) throw new Error('ATRIUM_TEST_ENGINE=postgres needs TEST_DATABASE_URL')
  return new URL(url)
}
