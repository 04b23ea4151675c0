/**
 * The search-and-list engine every record type uses: a record type is declared once
 * (`defineRecordType`), every write path calls `searchIndex.update(tx, type, ids)` in its transaction,
 * and lists, filters, sorts, cursors and typo-tolerant search follow from the declaration.
 */
export { searchIndex } from './indexer.ts'
export {
  defineRecordType,
  type FilterField,
  type RecordType,
  type SearchDocument,
  type SortField,
} from './record-type.ts'
