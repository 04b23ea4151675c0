import { customFieldPermissions } from '../../../../contracts/custom-fields.ts'
import { defineModule } from '../../kernel/module.ts'
import { registerCustomFieldRoutes } from './routes.ts'
import * as tables from './schema.ts'

/**
 * Fields a workspace adds to any record type that registers itself (`registerCustomFieldRecordType`):
 * their definitions, and the rules their values follow (types, money digits, facets for filters).
 */
export default defineModule({
  name: 'custom-fields',
  tables,
  permissions: customFieldPermissions,
  ids: { fld: 'custom field' },
  routes: registerCustomFieldRoutes,
})

export {
  coerceValue,
  displayValue,
  encodeNumber,
  type FieldDef,
  facetFilterValue,
  facetValues,
  rangeTypes,
  sortableTypes,
  validateCustomValues,
} from './fields.ts'
export { type CustomFieldRecordType, registerCustomFieldRecordType } from './record-types.ts'
export { createCustomField, loadFieldDefs } from './service.ts'
