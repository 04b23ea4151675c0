import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Button,
  Card,
  Checkbox,
  EmptyState,
  FormDialog,
  HeaderRow,
  Input,
  QueryState,
  Select,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage, formErrorOf } from '../../lib/errors.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { can, type Me } from '../auth/api.ts'
import { invoiceSettingsApi, type TaxRate, type TaxRateInput, taxRateListQuery, taxRatesKey } from './api.ts'
import { EditArchiveActions } from './row-actions.tsx'

const categories = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M'] as const
type Category = (typeof categories)[number]

/** The workspace's tax rates: list, add, edit, archive and restore (owners and admins change them). */
export function TaxRatesPage({ me }: { me: Me }) {
  const { t } = useTranslation()
  const [showArchived, setShowArchived] = useState(false)
  const rates = useQuery(taxRateListQuery(showArchived ? 'all' : 'false'))
  const [editing, setEditing] = useState<{ rate?: TaxRate } | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const canWrite = can(me, 'invoices:settings')
  const archive = useRefreshingMutation({
    mutationFn: (rate: TaxRate) =>
      invoiceSettingsApi.archiveTaxRate({ taxRateId: rate.id, archived: !rate.archivedAt }),
    queryKey: taxRatesKey,
    onSuccess: (rate) =>
      setNotice(
        t(rate.archivedAt ? 'invoiceSettings.taxRates.archived' : 'invoiceSettings.taxRates.restored', {
          name: rate.name,
        }),
      ),
  })
  return (
    <Card
      title={t('invoiceSettings.taxRates.title')}
      actions={
        canWrite ? (
          <Button
            onClick={() => {
              setNotice(null)
              setEditing({})
            }}
          >
            {t('invoiceSettings.taxRates.add')}
          </Button>
        ) : null
      }
    >
      <div className="space-y-4">
        <Checkbox
          label={t('invoiceSettings.taxRates.showArchived')}
          checked={showArchived}
          onChange={(e) => setShowArchived(e.target.checked)}
        />
        <ActionFeedback error={archive.error ? errorMessage(archive.error, t) : null} notice={notice} />
        <QueryState
          query={rates}
          isEmpty={(data) => data.data.length === 0}
          empty={
            <EmptyState
              title={t('invoiceSettings.taxRates.empty')}
              description={t('invoiceSettings.taxRates.emptyHint')}
            />
          }
        >
          {(data) => (
            <Table caption={t('invoiceSettings.taxRates.title')}>
              <HeaderRow
                columns={[
                  t('invoiceSettings.taxRates.fields.name'),
                  t('invoiceSettings.taxRates.fields.percent'),
                  t('invoiceSettings.taxRates.fields.kind'),
                  t('invoiceSettings.taxRates.fields.category'),
                ]}
                actions={canWrite ? t('common.actions') : undefined}
              />
              <TBody>
                {data.data.map((rate) => (
                  <TR key={rate.id}>
                    <TD className="font-medium">
                      {rate.name}
                      {rate.archivedAt ? (
                        <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800 dark:bg-slate-700 dark:text-slate-100">
                          {t('invoiceSettings.taxRates.archivedBadge')}
                        </span>
                      ) : null}
                    </TD>
                    <TD className="tabular-nums">{rate.percent} %</TD>
                    <TD>
                      {rate.inclusive
                        ? t('invoiceSettings.taxRates.fields.inclusive')
                        : t('invoiceSettings.taxRates.fields.exclusive')}
                      {rate.compound ? `, ${t('invoiceSettings.taxRates.fields.compoundShort')}` : ''}
                    </TD>
                    <TD>{t(`invoiceSettings.taxRates.categories.${rate.categoryCode}`)}</TD>
                    {canWrite ? (
                      <TD>
                        <EditArchiveActions
                          strings="invoiceSettings.taxRates"
                          name={rate.name}
                          archived={Boolean(rate.archivedAt)}
                          pending={archive.isPending && archive.variables?.id === rate.id}
                          onEdit={() => {
                            setNotice(null)
                            setEditing({ rate })
                          }}
                          onArchive={() => archive.mutate(rate)}
                        />
                      </TD>
                    ) : null}
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
      </div>
      {editing ? (
        <TaxRateDialog
          rate={editing.rate}
          onClose={() => setEditing(null)}
          onSaved={(rate) => {
            setEditing(null)
            setNotice(t('invoiceSettings.taxRates.saved', { name: rate.name }))
          }}
        />
      ) : null}
    </Card>
  )
}

function TaxRateDialog({
  rate,
  onClose,
  onSaved,
}: {
  rate?: TaxRate
  onClose: () => void
  onSaved: (rate: TaxRate) => void
}) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState({
    name: rate?.name ?? '',
    percent: rate?.percent ?? '',
    inclusive: rate?.inclusive ?? false,
    compound: rate?.compound ?? false,
    categoryCode: (rate?.categoryCode ?? 'S') as Category,
    exemptionReason: rate?.exemptionReason ?? '',
  })
  const save = useRefreshingMutation({
    mutationFn: (input: TaxRateInput) =>
      rate
        ? invoiceSettingsApi.updateTaxRate({ taxRateId: rate.id, input })
        : invoiceSettingsApi.createTaxRate(input),
    queryKey: taxRatesKey,
    onSuccess: onSaved,
  })
  const form = useValidatedForm(
    save.error,
    () => ({
      name: !draft.name.trim() && t('validation.required'),
      percent: !draft.percent.trim() && t('validation.required'),
    }),
    () =>
      save.mutate({
        name: draft.name.trim(),
        percent: draft.percent.trim().replace(',', '.'),
        inclusive: draft.inclusive,
        compound: draft.compound,
        categoryCode: draft.categoryCode,
        exemptionReason: draft.exemptionReason.trim() || null,
      }),
  )
  const fields = ['name', 'percent', 'inclusive', 'compound', 'categoryCode', 'exemptionReason']
  return (
    <FormDialog
      onClose={onClose}
      title={rate ? t('invoiceSettings.taxRates.editTitle') : t('invoiceSettings.taxRates.addTitle')}
      onSubmit={form.onSubmit}
      submitLabel={rate ? t('common.save') : t('invoiceSettings.taxRates.add')}
      pending={save.isPending}
    >
      <ActionFeedback error={formErrorOf(save.error, t, fields)} />
      <Input
        label={t('invoiceSettings.taxRates.fields.name')}
        name="name"
        autoComplete="off"
        value={draft.name}
        onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
        error={form.errorFor('name')}
      />
      <Input
        label={t('invoiceSettings.taxRates.fields.percent')}
        hint={t('invoiceSettings.taxRates.fields.percentHint')}
        name="percent"
        inputMode="decimal"
        value={draft.percent}
        onChange={(e) => setDraft((d) => ({ ...d, percent: e.target.value }))}
        error={form.errorFor('percent')}
      />
      <Checkbox
        label={t('invoiceSettings.taxRates.fields.inclusive')}
        checked={draft.inclusive}
        onChange={(e) => setDraft((d) => ({ ...d, inclusive: e.target.checked }))}
        error={form.errorFor('inclusive')}
      />
      <Checkbox
        label={t('invoiceSettings.taxRates.fields.compound')}
        checked={draft.compound}
        onChange={(e) => setDraft((d) => ({ ...d, compound: e.target.checked }))}
        error={form.errorFor('compound')}
      />
      <Select
        label={t('invoiceSettings.taxRates.fields.category')}
        name="categoryCode"
        value={draft.categoryCode}
        onChange={(e) => setDraft((d) => ({ ...d, categoryCode: e.target.value as Category }))}
        error={form.errorFor('categoryCode')}
      >
        {categories.map((c) => (
          <option key={c} value={c}>
            {c} — {t(`invoiceSettings.taxRates.categories.${c}`)}
          </option>
        ))}
      </Select>
      <Input
        label={t('invoiceSettings.taxRates.fields.exemptionReason')}
        hint={t('invoiceSettings.taxRates.fields.exemptionReasonHint')}
        name="exemptionReason"
        value={draft.exemptionReason}
        onChange={(e) => setDraft((d) => ({ ...d, exemptionReason: e.target.value }))}
        error={form.errorFor('exemptionReason')}
      />
    </FormDialog>
  )
}
