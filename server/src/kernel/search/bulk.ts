import { MAX_TITLE_KEYS } from './record-type.ts'

/**
 * Set-based indexing of many records at once, for bulk loads that bypass the write paths (benchmark
 * data, test fixtures): `source` is a SELECT yielding `workspace_id, id, title, body` per record, and
 * with `titleKeys` a `title_keys text[]` column too (the record's other title keys, as `titleKeys` in
 * its documents). The result is what `searchIndex.update` writes for the same documents (title keys,
 * dictionary, postings; facets are the loader's own). Run the statements in order, in one transaction,
 * as the owner. `fresh` skips conflict handling for records that have no postings yet (which also lets
 * a loader build the postings' keys afterwards).
 */
export function bulkIndexStatements(
  recordType: string,
  source: string,
  opts: { fresh?: boolean; titleKeys?: boolean } = {},
): string[] {
  const type = `'${recordType.replaceAll("'", "''")}'`
  const tokens = `select src.workspace_id, src.id, t.word, min(t.pos)::smallint as pos
    from (${source}) src
    cross join lateral (
      select s.word, least(s.pos, 99) as pos from search_tokens(src.title) s
      union all select s.word, 100 from search_tokens(src.body) s
    ) t
    group by src.workspace_id, src.id, t.word`
  return [
    `create temporary table bulk_index_titles on commit drop as
       select distinct src.workspace_id, src.id, search_title_key(k.key) as title
       from (${source}) src
       cross join lateral (
         select src.title as key
         ${opts.titleKeys ? `union all select x.key from unnest(src.title_keys[1:${MAX_TITLE_KEYS - 1}]) x(key) where btrim(x.key) <> ''` : ''}
       ) k`,
    ...(opts.fresh
      ? []
      : [
          `delete from search_titles t using (select distinct id from bulk_index_titles) b
             where t.record_id = b.id
               and not exists (select 1 from bulk_index_titles n where n.id = t.record_id and n.title = t.title)`,
        ]),
    `insert into search_titles (record_id, workspace_id, record_type, title)
       select id, workspace_id, ${type}, title from bulk_index_titles
       ${opts.fresh ? '' : 'on conflict (record_id, title) do nothing'}`,
    `create temporary table bulk_index_tokens on commit drop as ${tokens}`,
    `insert into search_words (workspace_id, record_type, word, in_title)
       select workspace_id, ${type}, word, bool_or(pos < 100) from bulk_index_tokens group by workspace_id, word
       on conflict (workspace_id, record_type, word) do update set in_title = true
         where excluded.in_title and not search_words.in_title`,
    `insert into search_word_variants (workspace_id, record_type, variant, word_id)
       select w.workspace_id, w.record_type, d.variant, w.id
       from search_words w cross join lateral search_word_deletes(w.word) d
       where w.record_type = ${type} and w.in_title and length(w.word) >= 4 and w.word !~ '[0-9]'
         and w.workspace_id in (select distinct workspace_id from bulk_index_tokens)
         and w.word in (select word from bulk_index_tokens where pos < 100)
       on conflict do nothing`,
    `insert into search_postings (workspace_id, record_id, word_id, pos)
       select t.workspace_id, t.id, w.id, t.pos from bulk_index_tokens t
       join search_words w on w.workspace_id = t.workspace_id and w.record_type = ${type} and w.word = t.word
       ${opts.fresh ? '' : 'on conflict (record_id, word_id) do update set pos = excluded.pos'}`,
  ]
}
