/** The custom-field rules clients follow, from the custom-fields module. */
export {
  displayValue,
  type FieldDef,
  facetFilterValue,
  facetValues,
  rangeTypes,
  sortableTypes,
  validateCustomValues,
} from '../custom-fields/index.ts'
