import { type Dispatch, memo, type ReactNode, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Popover } from '../../components/grid/index.ts'
import { Combobox, type ComboOption } from '../../components/ui/combobox.tsx'
import { Checkbox, cn } from '../../components/ui/index.ts'
import { useServerSearch } from '../../lib/use-server-search.ts'
import { fromMinorUnits, type Product, productSearch, type TaxRate, toMinorUnits } from './api.ts'
import { Money } from './badges.tsx'
import type { EditorAction, LineDraft } from './editor-state.ts'

const control =
  'block w-full rounded-md border bg-white px-2 py-1.5 text-sm text-slate-900 shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 dark:bg-slate-950 dark:text-slate-100 dark:focus-visible:ring-indigo-300'
const border = (error?: string) =>
  error ? 'border-red-600 dark:border-red-400' : 'border-slate-300 dark:border-slate-600'

/** An input of a line: its label is read by screen readers, the column heading shows it on screen. */
export function CellInput({
  label,
  value,
  onChange,
  error,
  className,
  inputMode,
  align,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  error?: string
  className?: string
  inputMode?: 'decimal' | 'text'
  align?: 'right'
}) {
  const id = useId()
  return (
    <div className={className}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        value={value}
        inputMode={inputMode}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
        className={cn(control, border(error), align === 'right' && 'text-right tabular-nums')}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  )
}

export type LineErrors = Partial<
  Record<'description' | 'quantity' | 'unitPrice' | 'discount' | 'taxRateIds' | 'productId' | 'line', string>
>

/**
 * One line of the editor. Memoised: typing in a line re-renders that line only (the reducer keeps
 * every other line's object as it was).
 */
export const LineRow = memo(function LineRow({
  line,
  index,
  last,
  currency,
  rates,
  errors,
  amount,
  dispatch,
}: {
  line: LineDraft
  index: number
  last: boolean
  currency: string
  rates: TaxRate[]
  errors: LineErrors | undefined
  /** After the line's own discount (the document discount is shown in the totals). */
  amount: number | null
  dispatch: Dispatch<EditorAction>
}) {
  const { t } = useTranslation()
  const number = index + 1
  const set = (patch: Partial<LineDraft>) => dispatch({ type: 'line', key: line.key, patch })
  const badPrice = line.unitPrice.trim() && toMinorUnits(line.unitPrice, currency) === null
  const badQuantity = line.quantity.trim() && !/^\d{1,9}([.,]\d{1,6})?$/.test(line.quantity.trim())
  return (
    <fieldset className="flex items-start gap-2 border-b border-slate-200 py-2 dark:border-slate-700">
      <legend className="sr-only">{t('invoices.editor.line', { number })}</legend>
      <div className="grid min-w-0 flex-1 grid-cols-12 items-start gap-2">
        <div className="col-span-12 flex items-start gap-2 md:col-span-3">
          <span
            aria-hidden="true"
            className="mt-2 w-6 shrink-0 text-right text-xs text-slate-600 dark:text-slate-300"
          >
            {number}
          </span>
          <CellInput
            className="min-w-0 flex-1"
            label={t('invoices.editor.description')}
            value={line.description}
            onChange={(description) => set({ description })}
            error={errors?.description ?? errors?.productId ?? errors?.line}
          />
          <ProductPicker
            currency={currency}
            onPick={(product) =>
              set({
                productId: product.id,
                description: product.name,
                unit: product.unit ?? '',
                unitPrice:
                  product.currency === currency
                    ? fromMinorUnits(product.unitPrice, currency)
                    : line.unitPrice,
                taxRateIds: product.taxRateIds,
              })
            }
          />
        </div>
        <CellInput
          className="col-span-3 md:col-span-1"
          label={t('invoices.editor.quantity')}
          inputMode="decimal"
          align="right"
          value={line.quantity}
          onChange={(quantity) => set({ quantity })}
          error={errors?.quantity ?? (badQuantity ? t('invoices.editor.invalidNumber') : undefined)}
        />
        <CellInput
          className="col-span-3 md:col-span-1"
          label={t('invoices.editor.unit')}
          value={line.unit}
          onChange={(unit) => set({ unit })}
        />
        <CellInput
          className="col-span-6 md:col-span-2"
          label={t('invoices.editor.unitPrice')}
          inputMode="decimal"
          align="right"
          value={line.unitPrice}
          onChange={(unitPrice) => set({ unitPrice })}
          error={errors?.unitPrice ?? (badPrice ? t('invoices.editor.invalidNumber') : undefined)}
        />
        <div className="col-span-6 flex gap-1 md:col-span-2">
          <CellInput
            className="min-w-0 flex-1"
            label={t('invoices.editor.lineDiscount')}
            inputMode="decimal"
            align="right"
            value={line.discount}
            onChange={(discount) => set({ discount })}
            error={errors?.discount}
          />
          <DiscountKindSelect
            label={t('invoices.fields.discountType')}
            value={line.discountKind}
            currency={currency}
            onChange={(discountKind) => set({ discountKind })}
          />
        </div>
        <div className="col-span-6 md:col-span-2">
          <TaxSelect
            label={t('invoices.editor.taxesFor', { number })}
            rates={rates}
            value={line.taxRateIds}
            onChange={(taxRateIds) => set({ taxRateIds })}
            error={errors?.taxRateIds}
          />
        </div>
        <div className="col-span-12 flex items-center justify-end md:col-span-1">
          <output className="mt-1.5 text-sm" aria-label={t('invoices.editor.lineAmount')}>
            {amount === null ? '—' : <Money value={amount} currency={currency} />}
          </output>
        </div>
      </div>
      <div className="flex shrink-0 items-start gap-1 pt-0.5">
        <IconButton
          label={t('invoices.editor.moveUp', { number })}
          disabled={index === 0}
          onClick={() => dispatch({ type: 'move', key: line.key, by: -1 })}
        >
          ↑
        </IconButton>
        <IconButton
          label={t('invoices.editor.moveDown', { number })}
          disabled={last}
          onClick={() => dispatch({ type: 'move', key: line.key, by: 1 })}
        >
          ↓
        </IconButton>
        <IconButton
          label={t('invoices.editor.removeLine', { number })}
          onClick={() => dispatch({ type: 'remove', key: line.key })}
        >
          ×
        </IconButton>
      </div>
    </fieldset>
  )
})

function IconButton({
  label,
  disabled,
  onClick,
  children,
}: {
  label: string
  disabled?: boolean
  onClick: () => void
  children: ReactNode
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className="inline-flex size-7 shrink-0 items-center justify-center rounded text-slate-700 hover:bg-slate-200 disabled:opacity-40 dark:text-slate-200 dark:hover:bg-slate-700"
    >
      <span aria-hidden="true">{children}</span>
    </button>
  )
}

export function DiscountKindSelect({
  label,
  value,
  currency,
  onChange,
}: {
  label: string
  value: 'percent' | 'amount'
  currency: string
  onChange: (value: 'percent' | 'amount') => void
}) {
  const id = useId()
  return (
    <div>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value as 'percent' | 'amount')}
        className={cn(control, border(), 'w-16 shrink-0 px-1')}
      >
        <option value="percent">%</option>
        <option value="amount">{currency}</option>
      </select>
    </div>
  )
}

function TaxSelect({
  label,
  rates,
  value,
  onChange,
  error,
}: {
  label: string
  rates: TaxRate[]
  value: string[]
  onChange: (ids: string[]) => void
  error?: string
}) {
  const { t } = useTranslation()
  const names = value.map((id) => rates.find((rate) => rate.id === id)?.name ?? id)
  return (
    <div>
      <Popover
        label={
          <span className="max-w-full truncate">
            <span className="sr-only">{label}: </span>
            {names.length ? names.join(', ') : t('invoices.editor.noTaxes')}
          </span>
        }
        buttonClassName={cn('w-full px-2 py-1.5', error && 'border-red-600 dark:border-red-400')}
        className="right-0 w-64"
      >
        <fieldset className="space-y-1">
          <legend className="mb-2 text-sm font-semibold">{label}</legend>
          {rates.map((rate) => (
            <Checkbox
              key={rate.id}
              label={`${rate.name} (${rate.percent} %${rate.inclusive ? ', incl.' : ''})`}
              checked={value.includes(rate.id)}
              onChange={(e) =>
                onChange(e.target.checked ? [...value, rate.id] : value.filter((id) => id !== rate.id))
              }
            />
          ))}
        </fieldset>
      </Popover>
      {error ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{error}</p> : null}
    </div>
  )
}

function ProductPicker({ currency, onPick }: { currency: string; onPick: (product: Product) => void }) {
  const { t } = useTranslation()
  return (
    <Popover
      label={<span className="text-xs">{t('invoices.editor.fromCatalog')}</span>}
      buttonClassName="px-2 py-1.5"
      className="right-0 w-80"
    >
      {(close) => (
        <ProductSearch
          currency={currency}
          onPick={(product) => {
            onPick(product)
            close()
          }}
        />
      )}
    </Popover>
  )
}

function ProductSearch({ currency, onPick }: { currency: string; onPick: (product: Product) => void }) {
  const { t, i18n } = useTranslation()
  const [text, setText] = useState('')
  const hits = useServerSearch(text, productSearch)
  const found = hits.data?.data ?? []
  const options: ComboOption[] = found.map((p) => ({
    value: p.id,
    label: p.name,
    hint:
      p.currency === currency
        ? new Intl.NumberFormat(i18n.language, { style: 'currency', currency: p.currency }).format(
            Number(fromMinorUnits(p.unitPrice, p.currency)),
          )
        : p.currency,
  }))
  return (
    <Combobox
      label={t('invoices.editor.product')}
      options={options}
      value={null}
      inline
      autoFocus
      placeholder={t('invoices.picker.searchProducts')}
      emptyLabel={hits.isFetching ? undefined : t('invoices.picker.noProducts')}
      onSearch={setText}
      onChange={(id) => {
        const product = found.find((p) => p.id === id)
        if (product) onPick(product)
      }}
    />
  )
}
