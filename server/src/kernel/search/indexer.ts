import { type SQL, sql } from 'drizzle-orm'
import type { Tx } from '../db/index.ts'
import { type RecordType, type SearchDocument, titleKeysOf } from './record-type.ts'

const WORKSPACE = sql`nullif(current_setting('app.workspace_id', true), '')::uuid`
const CHUNK = 2000

/** A JSON array parameter, read in SQL with `jsonb_array_elements_text` or `jsonb_to_recordset`. */
const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`
/**
 * Ids as one `text[]` literal: planned as a constant array, so lookups go by the records' keys (and the
 * array is hashed), not by a workspace the statistics may still think empty.
 */
export const textArray = (ids: readonly string[]): SQL =>
  sql`${`{${ids.map((id) => `"${id.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`

/**
 * The records' words, tokenised once for the chunk: `search_tokens()` in SQL (lower-cased runs of
 * letters and digits), the one tokenisation writes and searches share. Title words keep their place
 * (0 = first word); the rest of the text is place 100. One row per record and word, its best place.
 */
const TOKENS = (docs: SearchDocument[], fresh: Set<string>) => sql`select d.id, d.fresh, t.word,
    min(t.pos)::smallint as pos
  from jsonb_to_recordset(${json(
    docs.map((d) => ({
      id: d.id,
      title: d.title,
      body: d.text.filter((t): t is string => typeof t === 'string' && t !== '').join('\n'),
      fresh: fresh.has(d.id),
    })),
  )}) as d(id text, title text, body text, fresh boolean)
  cross join lateral (
    select s.word, least(s.pos, 99) as pos from search_tokens(d.title) s
    union all select s.word, 100 from search_tokens(d.body) s
  ) t
  group by d.id, d.fresh, t.word`

/** Facets: new records' are inserted; others' lose the pairs they no longer have and gain the new ones. */
async function updateFacets(
  tx: Tx,
  type: RecordType,
  docs: SearchDocument[],
  fresh: Set<string>,
  old: string[],
) {
  const facets = sql.identifier(type.facets.table)
  const record = sql.identifier(type.facets.recordColumn)
  const pairs = (isNew: boolean) =>
    docs
      .filter((d) => fresh.has(d.id) === isNew)
      .flatMap((d) => d.facets.map(([k, v]) => ({ r: d.id, k, v })))
  const created = pairs(true)
  if (created.length)
    await tx.execute(sql`insert into ${facets} (workspace_id, ${record}, key, value)
      select distinct ${WORKSPACE}, n.r, n.k, n.v from jsonb_to_recordset(${json(created)}) as n(r text, k text, v text)`)
  if (!old.length) return
  const kept = pairs(false)
  // By each record's key (the primary key's prefix), whatever the statistics say about the workspace.
  await tx.execute(sql`delete from ${facets} f
    where f.${record} = any(${textArray(old)})
      and not exists (select 1 from jsonb_to_recordset(${json(kept)}) as n(r text, k text, v text)
                      where n.r = f.${record} and n.k = f.key and n.v = f.value)`)
  if (kept.length)
    await tx.execute(sql`insert into ${facets} (workspace_id, ${record}, key, value)
      select ${WORKSPACE}, n.r, n.k, n.v from jsonb_to_recordset(${json(kept)}) as n(r text, k text, v text)
      where not exists (select 1 from ${facets} f where f.${record} = n.r and f.key = n.k and f.value = n.v)
      on conflict do nothing`)
}

/**
 * Title keys (search_titles): each record's title and other keys (`titleKeys`), once each. New keys are
 * inserted; other records lose the keys they no longer have (all of them when the record is gone).
 */
async function updateTitles(tx: Tx, type: RecordType, docs: SearchDocument[], old: string[]) {
  const keys = docs.flatMap((d) => titleKeysOf(d).map((k) => ({ id: d.id, k })))
  if (!keys.length && !old.length) return
  await tx.execute(sql`with k as (
      select distinct n.id, search_title_key(n.k) as title
      from jsonb_to_recordset(${json(keys)}) as n(id text, k text)
    )${
      old.length
        ? sql`, gone as (
      delete from search_titles t
      where t.record_id = any(${textArray(old)})
        and not exists (select 1 from k where k.id = t.record_id and k.title = t.title)
    )`
        : sql``
    }
    insert into search_titles (record_id, workspace_id, record_type, title)
    select k.id, ${WORKSPACE}, ${type.name}, k.title from k
    on conflict (record_id, title) do nothing`)
}

async function updateChunk(tx: Tx, type: RecordType, ids: readonly string[], fresh: Set<string>) {
  const docs = await type.documents(tx, ids)
  // Records created in this transaction have no entries yet: nothing to compare with or remove.
  const old = ids.filter((id) => !fresh.has(id))
  await updateFacets(tx, type, docs, fresh, old)
  await updateTitles(tx, type, docs, old)

  // One statement: tokenise once; look up each distinct word in the dictionary once; add the words it
  // lacks (or marks as title words late); then write the postings with those ids.
  // - Words are added sorted, so that concurrent writers lock dictionary entries in the same order.
  //   A word another transaction added after this statement's snapshot is a conflict: the statement
  //   waits for that transaction, then takes the entry (`do update`, which returns its id).
  // - Title words this statement adds (or first sees in a title) get their deletions, for typo lookups.
  //   Words with digits (document numbers, postcodes, phone numbers) get none: a number one digit off
  //   is another record, not a typo, and each would cost ~30 rows.
  // - New records' postings are inserted; other records lose the words they no longer hold and gain or
  //   move the others (unchanged ones untouched).
  // The deletions (search_word_deletes, inlined) look like a million rows per word to the planner,
  // which would then compile the statement with JIT (~0.4 s, more than running it). JIT never pays off
  // for a writer's statements: it is off for the rest of the transaction.
  if (!docs.length && !old.length) return
  await tx.execute(sql`select set_config('jit', 'off', true)`)
  const hasFresh = docs.some((d) => fresh.has(d.id))
  await tx.execute(sql`with t as materialized (${TOKENS(docs, fresh)}),
    w as materialized (select t.word, bool_or(t.pos < 100) as in_title from t group by t.word),
    known as materialized (
      select w.word, w.in_title, s.id, (s.id is null or (w.in_title and not s.in_title)) as add from w
      left join lateral (select s.id, s.in_title from search_words s
        where s.workspace_id = ${WORKSPACE} and s.record_type = ${type.name} and s.word = w.word limit 1) s on true
    ),
    added as (
      insert into search_words (workspace_id, record_type, word, in_title)
      select ${WORKSPACE}, ${type.name}, k.word, k.in_title from known k
      where k.add
      order by k.word
      on conflict (workspace_id, record_type, word) do update set in_title = search_words.in_title or excluded.in_title
      returning id, word, in_title
    ),
    variants as (
      insert into search_word_variants (workspace_id, record_type, variant, word_id)
      select ${WORKSPACE}, ${type.name}, d.variant, a.id
      from added a cross join lateral search_word_deletes(a.word) d
      where a.in_title and length(a.word) >= 4 and a.word !~ '[0-9]'
      on conflict do nothing
    ),
    ids as materialized (
      select a.word, a.id from added a
      union all select k.word, k.id from known k where not k.add
    ),
    n as materialized (select t.id, ids.id as word_id, t.pos, t.fresh from t join ids on ids.word = t.word)${
      hasFresh
        ? sql`,
    created as (
      insert into search_postings (workspace_id, record_id, word_id, pos)
      select ${WORKSPACE}, n.id, n.word_id, n.pos from n where n.fresh
    )`
        : sql``
    }${
      old.length
        ? sql`,
    gone as (
      delete from search_postings p
      where p.record_id = any(${textArray(old)})
        and not exists (select 1 from n where n.id = p.record_id and n.word_id = p.word_id)
    )
    insert into search_postings (workspace_id, record_id, word_id, pos)
    select ${WORKSPACE}, n.id, n.word_id, n.pos from n
    where not n.fresh
      and not exists (select 1 from search_postings p
                      where p.record_id = n.id and p.word_id = n.word_id and p.pos = n.pos)
    on conflict (record_id, word_id) do update set pos = excluded.pos
      where search_postings.pos <> excluded.pos`
        : sql`
    select 1`
    }`)
}

/**
 * The search index: one call after every write of a record type's records, in the writer's
 * transaction. It reads the records' documents and brings their facets, dictionary words
 * and postings up to date, writing only what changed; ids whose records are gone lose their entries.
 * `created` names ids of records created in this transaction (a subset of `ids`, or more ids to
 * index): they have no entries yet, so theirs are inserted without looking for old ones.
 */
export const searchIndex = {
  async update(
    tx: Tx,
    type: RecordType,
    ids: Iterable<string>,
    opts: { created?: Iterable<string> } = {},
  ): Promise<void> {
    const fresh = new Set(opts.created ?? [])
    const unique = [...new Set([...fresh, ...ids])]
    for (let i = 0; i < unique.length; i += CHUNK)
      await updateChunk(tx, type, unique.slice(i, i + CHUNK), fresh)
  },
}
