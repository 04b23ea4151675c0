/** Inline text links: underlined, with contrast checked in both themes. */
export const linkClasses =
  'font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900 dark:text-indigo-300 dark:hover:text-indigo-200'
