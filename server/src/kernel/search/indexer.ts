import { sql } from 'drizzle-orm'
import type { Tx } from '../db/index.ts'
import type { RecordType, SearchDocument } from './record-type.ts'

const WORKSPACE = sql`nullif(current_setting('app.workspace_id', true), '')::uuid`
const CHUNK = 2000

/** The documents as the index statements read them (title and the rest of the text, tokenised in SQL). */
function payload(docs: SearchDocument[]) {
  return JSON.stringify(
    docs.map((d) => ({
      id: d.id,
      title: d.title,
      body: d.text.filter((t): t is string => typeof t === 'string' && t !== '').join('\n'),
    })),
  )
}

// One tokenisation for writes and searches: `search_tokens()` in SQL (lower-cased runs of letters and
// digits). Title words keep their place (0 = first word); the rest of the text is place 100.
const TOKENS = (docs: string) => sql`select d.id, t.word, min(t.pos)::smallint as pos
  from jsonb_to_recordset(${docs}::jsonb) as d(id text, title text, body text)
  cross join lateral (
    select s.word, least(s.pos, 99) as pos from search_tokens(d.title) s
    union all select s.word, 100 from search_tokens(d.body) s
  ) t
  group by d.id, t.word`

async function updateChunk(tx: Tx, type: RecordType, ids: readonly string[]) {
  const docs = await type.documents(tx, ids)
  const idList = sql`array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`
  const body = payload(docs)

  const facets = sql.identifier(type.facets.table)
  const recordColumn = sql.identifier(type.facets.recordColumn)
  const facetRows = JSON.stringify(docs.flatMap((d) => d.facets.map(([k, v]) => ({ r: d.id, k, v }))))
  await tx.execute(sql`delete from ${facets} f
    where f.${recordColumn} = any(${idList})
      and not exists (select 1 from jsonb_to_recordset(${facetRows}::jsonb) as n(r text, k text, v text)
                      where n.r = f.${recordColumn} and n.k = f.key and n.v = f.value)`)
  if (docs.some((d) => d.facets.length))
    await tx.execute(sql`insert into ${facets} (workspace_id, ${recordColumn}, key, value)
      select ${WORKSPACE}, n.r, n.k, n.v from jsonb_to_recordset(${facetRows}::jsonb) as n(r text, k text, v text)
      on conflict do nothing`)

  // New words first, in a statement of their own: a word another transaction adds at the same time is
  // then visible to the postings statement once that transaction commits. Sorted, so that concurrent
  // writers lock dictionary entries in the same order.
  if (docs.length)
    await tx.execute(sql`insert into search_words (workspace_id, record_type, word, in_title)
      select ${WORKSPACE}, ${type.name}, w.word, w.in_title
      from (select t.word, bool_or(t.pos < 100) as in_title from (${TOKENS(body)}) t group by t.word order by 1) w
      on conflict (workspace_id, record_type, word) do update set in_title = true
        where excluded.in_title and not search_words.in_title`)
  await tx.execute(sql`with n as (
      select t.id, w.id as word_id, t.pos from (${TOKENS(body)}) t
      join search_words w on w.workspace_id = ${WORKSPACE} and w.record_type = ${type.name} and w.word = t.word
    ), gone as (
      delete from search_postings p
      where p.record_id = any(${idList})
        and not exists (select 1 from n where n.id = p.record_id and n.word_id = p.word_id)
    )
    insert into search_postings (workspace_id, record_id, word_id, pos)
    select ${WORKSPACE}, n.id, n.word_id, n.pos from n
    on conflict (record_id, word_id) do update set pos = excluded.pos
      where search_postings.pos <> excluded.pos`)
}

/**
 * The search index: one call after every write of a record type's records, in the writer's
 * transaction. It reads the records' documents and brings their facets, dictionary words
 * and postings up to date, writing only what changed; ids whose records are gone lose their entries.
 */
export const searchIndex = {
  async update(tx: Tx, type: RecordType, ids: Iterable<string>): Promise<void> {
    const unique = [...new Set(ids)]
    for (let i = 0; i < unique.length; i += CHUNK) await updateChunk(tx, type, unique.slice(i, i + CHUNK))
  },
}
