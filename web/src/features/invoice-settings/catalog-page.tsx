import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox } from '../../components/ui/combobox.tsx'
import {
  ActionFeedback,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Fieldset,
  FormDialog,
  HeaderRow,
  Input,
  QueryState,
  Select,
  Table,
  TBody,
  TD,
  Textarea,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage, formErrorOf } from '../../lib/errors.ts'
import { useIntlOptions } from '../../lib/intl-options.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { useDebounced } from '../../lib/use-server-search.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { can, type Me } from '../auth/api.ts'
import {
  currencyDigits,
  formatMoney,
  fromMinorUnits,
  invoiceSettingsApi,
  type Product,
  type ProductFilter,
  type ProductInput,
  productListQuery,
  productsKey,
  settingsQuery,
  taxRateListQuery,
  toMinorUnits,
} from './api.ts'
import { EditArchiveActions } from './row-actions.tsx'

/** The catalog: products and services searched on the server, added, edited, archived and restored. */
export function CatalogPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation()
  const [text, setText] = useState('')
  const [archived, setArchived] = useState<ProductFilter['archived']>('false')
  const q = useDebounced(text)
  const products = useInfiniteQuery(productListQuery({ q, archived }))
  const taxRates = useQuery(taxRateListQuery('false'))
  const rateName = new Map((taxRates.data?.data ?? []).map((r) => [r.id, `${r.name} (${r.percent} %)`]))
  const [editing, setEditing] = useState<{ product?: Product } | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const canWrite = can(me, 'products:write')
  const archive = useRefreshingMutation({
    mutationFn: (p: Product) =>
      invoiceSettingsApi.archiveProduct({ productId: p.id, archived: !p.archivedAt }),
    queryKey: productsKey,
    onSuccess: (p) =>
      setNotice(
        t(p.archivedAt ? 'invoiceSettings.products.archived' : 'invoiceSettings.products.restored', {
          name: p.name,
        }),
      ),
  })
  const rows = products.data?.pages.flatMap((page) => page.data)
  return (
    <Card
      title={t('invoiceSettings.products.title')}
      actions={
        canWrite ? (
          <Button
            onClick={() => {
              setNotice(null)
              setEditing({})
            }}
          >
            {t('invoiceSettings.products.add')}
          </Button>
        ) : null
      }
    >
      <div className="space-y-4">
        <div className="flex flex-wrap items-end gap-3">
          <Input
            type="search"
            label={t('invoiceSettings.products.search')}
            placeholder={t('invoiceSettings.products.searchPlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            containerClassName="min-w-64 flex-1"
          />
          <Select
            label={t('invoiceSettings.products.show')}
            value={archived}
            onChange={(e) => setArchived(e.target.value as ProductFilter['archived'])}
          >
            <option value="false">{t('invoiceSettings.products.showActive')}</option>
            <option value="true">{t('invoiceSettings.products.showArchived')}</option>
            <option value="all">{t('invoiceSettings.products.showAll')}</option>
          </Select>
        </div>
        <ActionFeedback error={archive.error ? errorMessage(archive.error, t) : null} notice={notice} />
        <QueryState
          query={{ ...products, data: rows }}
          isEmpty={(data) => data.length === 0}
          empty={
            q.trim() ? (
              <EmptyState title={t('invoiceSettings.products.noMatch')} />
            ) : (
              <EmptyState
                title={t('invoiceSettings.products.empty')}
                description={t('invoiceSettings.products.emptyHint')}
              />
            )
          }
        >
          {(data) => (
            <Table caption={t('invoiceSettings.products.title')}>
              <HeaderRow
                columns={[
                  t('invoiceSettings.products.fields.name'),
                  t('invoiceSettings.products.fields.unit'),
                  t('invoiceSettings.products.fields.unitPrice'),
                  t('invoiceSettings.products.fields.taxes'),
                ]}
                actions={canWrite ? t('common.actions') : undefined}
              />
              <TBody>
                {data.map((p) => (
                  <TR key={p.id}>
                    <TD>
                      <span className="font-medium">{p.name}</span>
                      {p.archivedAt ? (
                        <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800 dark:bg-slate-700 dark:text-slate-100">
                          {t('invoiceSettings.products.archivedBadge')}
                        </span>
                      ) : null}
                      {p.description ? (
                        <span className="block text-slate-600 dark:text-slate-300">{p.description}</span>
                      ) : null}
                    </TD>
                    <TD>{p.unit ?? '—'}</TD>
                    <TD className="whitespace-nowrap tabular-nums">
                      {formatMoney(p.unitPrice, p.currency, i18n.language)}
                    </TD>
                    <TD>{p.taxRateIds.map((id) => rateName.get(id) ?? id).join(', ') || '—'}</TD>
                    {canWrite ? (
                      <TD>
                        <EditArchiveActions
                          strings="invoiceSettings.products"
                          name={p.name}
                          archived={Boolean(p.archivedAt)}
                          pending={archive.isPending && archive.variables?.id === p.id}
                          onEdit={() => {
                            setNotice(null)
                            setEditing({ product: p })
                          }}
                          onArchive={() => archive.mutate(p)}
                        />
                      </TD>
                    ) : null}
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
        {products.hasNextPage ? (
          <Button
            variant="secondary"
            loading={products.isFetchingNextPage}
            onClick={() => void products.fetchNextPage()}
          >
            {t('invoiceSettings.products.loadMore')}
          </Button>
        ) : null}
      </div>
      {editing ? (
        <ProductDialog
          product={editing.product}
          onClose={() => setEditing(null)}
          onSaved={(p) => {
            setEditing(null)
            setNotice(t('invoiceSettings.products.saved', { name: p.name }))
          }}
        />
      ) : null}
    </Card>
  )
}

function ProductDialog({
  product,
  onClose,
  onSaved,
}: {
  product?: Product
  onClose: () => void
  onSaved: (p: Product) => void
}) {
  const { t } = useTranslation()
  const intl = useIntlOptions()
  const settings = useQuery(settingsQuery)
  const taxRates = useQuery(taxRateListQuery('false'))
  const [draft, setDraft] = useState({
    name: product?.name ?? '',
    description: product?.description ?? '',
    unit: product?.unit ?? '',
    price: product ? fromMinorUnits(product.unitPrice, product.currency) : '',
    currency: product?.currency ?? null,
    taxRateIds: product?.taxRateIds ?? [],
  })
  const currency = draft.currency ?? settings.data?.baseCurrency ?? 'EUR'
  const digits = currencyDigits(currency)
  const save = useRefreshingMutation({
    mutationFn: (input: ProductInput) =>
      product
        ? invoiceSettingsApi.updateProduct({ productId: product.id, input })
        : invoiceSettingsApi.createProduct(input),
    queryKey: productsKey,
    onSuccess: onSaved,
  })
  const form = useValidatedForm(
    save.error,
    () => ({
      name: !draft.name.trim() && t('validation.required'),
      unitPrice:
        (!draft.price.trim() && t('validation.required')) ||
        ((toMinorUnits(draft.price, currency) ?? -1) < 0 &&
          t('invoiceSettings.products.invalidPrice', { digits })),
    }),
    () =>
      save.mutate({
        name: draft.name.trim(),
        description: draft.description.trim() || null,
        unit: draft.unit.trim() || null,
        unitPrice: toMinorUnits(draft.price, currency) ?? 0,
        currency,
        taxRateIds: draft.taxRateIds,
      }),
  )
  const fields = ['name', 'description', 'unit', 'unitPrice', 'currency', 'taxRateIds']
  const rates = (taxRates.data?.data ?? []).filter((r) => !r.archivedAt || draft.taxRateIds.includes(r.id))
  return (
    <FormDialog
      onClose={onClose}
      title={product ? t('invoiceSettings.products.editTitle') : t('invoiceSettings.products.addTitle')}
      onSubmit={form.onSubmit}
      submitLabel={product ? t('common.save') : t('invoiceSettings.products.add')}
      pending={save.isPending}
    >
      <ActionFeedback error={formErrorOf(save.error, t, fields)} />
      <Input
        label={t('invoiceSettings.products.fields.name')}
        name="name"
        autoComplete="off"
        value={draft.name}
        onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
        error={form.errorFor('name')}
      />
      <Textarea
        label={t('invoiceSettings.products.fields.description')}
        name="description"
        rows={2}
        value={draft.description}
        onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))}
        error={form.errorFor('description')}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Input
          label={t('invoiceSettings.products.fields.unit')}
          hint={t('invoiceSettings.products.fields.unitHint')}
          name="unit"
          value={draft.unit}
          onChange={(e) => setDraft((d) => ({ ...d, unit: e.target.value }))}
          error={form.errorFor('unit')}
        />
        <Input
          label={t('invoiceSettings.products.fields.unitPrice')}
          hint={t('invoiceSettings.products.fields.unitPriceHint', { currency, digits })}
          name="unitPrice"
          inputMode="decimal"
          value={draft.price}
          onChange={(e) => setDraft((d) => ({ ...d, price: e.target.value }))}
          error={form.errorFor('unitPrice')}
        />
      </div>
      <Combobox
        label={t('invoiceSettings.products.fields.currency')}
        options={intl.currencies()}
        value={currency}
        onChange={(v) => v && setDraft((d) => ({ ...d, currency: v }))}
        error={form.errorFor('currency')}
        inline
      />
      <Fieldset legend={t('invoiceSettings.products.fields.taxes')} error={form.errorFor('taxRateIds')}>
        {rates.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {t('invoiceSettings.products.fields.noTaxes')}
          </p>
        ) : (
          rates.map((r) => (
            <Checkbox
              key={r.id}
              label={`${r.name} (${r.percent} %)`}
              checked={draft.taxRateIds.includes(r.id)}
              onChange={(e) =>
                setDraft((d) => ({
                  ...d,
                  taxRateIds: e.target.checked
                    ? [...d.taxRateIds, r.id]
                    : d.taxRateIds.filter((x) => x !== r.id),
                }))
              }
            />
          ))
        )}
      </Fieldset>
    </FormDialog>
  )
}
