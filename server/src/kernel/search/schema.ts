import {
  bigint,
  bigserial,
  boolean,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

/**
 * The search dictionary: each distinct word of a record type in a workspace, once. Typos are matched
 * against it (trigram index, `search_records`), so their cost follows the vocabulary, not the rows.
 * Written only by the search index (`searchIndex.update`). Its key also holds the word (`INCLUDE (word)`,
 * migration 0046; drizzle cannot declare it, the constraint keeps its name): `search_records` reads a
 * candidate record's words by id from the key alone.
 */
export const searchWords = pgTable(
  'search_words',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id').notNull(),
    recordType: text('record_type').notNull(),
    word: text('word').notNull(),
    /** Seen in a title: typos are looked for among these words only (names, not emails or notes). */
    inTitle: boolean('in_title').notNull().default(false),
  },
  (t) => [uniqueIndex('search_words_ws_type_word_idx').on(t.workspaceId, t.recordType, t.word)],
)

/**
 * Which record holds which dictionary word, and where: `pos` is the word's place in the record's title
 * (0 = its first word) or 100 for the rest of its text. Exact lookups by word (`word_id, pos`) find the
 * records; `(record_id, word_id)` checks one record (its word ids from the key alone, then the place of
 * the words that match) and rewrites it.
 */
export const searchPostings = pgTable(
  'search_postings',
  {
    workspaceId: uuid('workspace_id').notNull(),
    recordId: text('record_id').notNull(),
    wordId: bigint('word_id', { mode: 'number' }).notNull(),
    pos: smallint('pos').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.recordId, t.wordId] }),
    index('search_postings_word_idx').on(t.wordId, t.pos, t.recordId),
  ],
)

/**
 * Each record's title keys as their words in order, lower-cased and joined by single spaces
 * (`search_title_key`): what a user typing the start of a name types. A record has its title's key and
 * the other keys its record type gives (`titleKeys`: an invoice's client name before its number), at
 * most `MAX_TITLE_KEYS`. A prefix range on the index answers search-as-you-type with a few index reads
 * at any size, before the word lookups of `search_records`, which returns each record once.
 */
export const searchTitles = pgTable(
  'search_titles',
  {
    recordId: text('record_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    recordType: text('record_type').notNull(),
    title: text('title').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.recordId, t.title] }),
    index('search_titles_prefix_idx').on(t.workspaceId, t.recordType, t.title, t.recordId),
  ],
)

/**
 * Title words by the strings one or two deleted letters make of them (`search_word_deletes`, the word
 * itself included; two from 5 letters): a typo'd query word finds its candidates by looking up its own
 * deletions here (equality on one btree), whatever the size of the dictionary. Words with digits have
 * none: a number one digit off names another record.
 */
export const searchWordVariants = pgTable(
  'search_word_variants',
  {
    workspaceId: uuid('workspace_id').notNull(),
    recordType: text('record_type').notNull(),
    variant: text('variant').notNull(),
    wordId: bigint('word_id', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.recordType, t.variant, t.wordId] })],
)
