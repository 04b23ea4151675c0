import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import type { MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Button,
  buttonClasses,
  Card,
  EmptyState,
  HeaderRow,
  QueryState,
  Table,
  TBody,
  TD,
  TH,
  TR,
} from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { can } from '../auth/api.ts'
import type { ClientTabProps } from '../clients/tabs.ts'
import { InvoiceStatusBadge, Money, useFormatDay } from '../invoices/badges.tsx'
import { clientBalanceQuery, clientInvoicesQuery } from './api.ts'

/** A client's invoices: the balance per currency, the invoices newest first, and a new one for them. */
export default function ClientInvoicesTab({ client, me }: ClientTabProps) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const balance = useQuery(clientBalanceQuery(client.id))
  const invoices = useInfiniteQuery(clientInvoicesQuery(client.id))
  const formatDay = useFormatDay()
  const newHref = `/invoices/new?client=${encodeURIComponent(client.id)}`
  const openNew = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    void navigate({ href: newHref })
  }
  const rows = invoices.data?.pages.flatMap((page) => page.data)
  return (
    <>
      <Card title={t('invoiceSettings.clientTab.balance')}>
        <QueryState
          query={balance}
          isEmpty={(data) => data.currencies.length === 0}
          empty={
            <p className="text-sm text-slate-600 dark:text-slate-300">
              {t('invoiceSettings.clientTab.nothingOwed')}
            </p>
          }
        >
          {(data) => (
            <Table caption={t('invoiceSettings.clientTab.balanceCaption')}>
              <HeaderRow
                columns={[
                  t('invoiceSettings.clientTab.currency'),
                  t('invoiceSettings.clientTab.outstanding'),
                  t('invoiceSettings.clientTab.overdue'),
                  t('invoiceSettings.clientTab.paidThisYear'),
                  t('invoiceSettings.clientTab.credit'),
                ]}
              />
              <TBody>
                {data.currencies.map((c) => (
                  <TR key={c.currency}>
                    <TH scope="row" className="font-medium">
                      {c.currency}
                    </TH>
                    <TD>
                      <Money value={c.outstanding} currency={c.currency} />
                    </TD>
                    <TD
                      className={c.overdue > 0 ? 'font-semibold text-red-800 dark:text-red-300' : undefined}
                    >
                      <Money value={c.overdue} currency={c.currency} />
                    </TD>
                    <TD>
                      <Money value={c.paidThisYear} currency={c.currency} />
                    </TD>
                    <TD>
                      <Money value={c.credit} currency={c.currency} />
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
      </Card>
      <Card
        title={t('invoiceSettings.clientTab.invoices', { name: client.name })}
        actions={
          can(me, 'invoices:write') ? (
            <a
              href={newHref}
              onClick={openNew}
              className={buttonClasses('primary')}
              aria-label={t('invoiceSettings.clientTab.newNamed', { name: client.name })}
            >
              {t('invoiceSettings.clientTab.new')}
            </a>
          ) : null
        }
      >
        <div className="space-y-4">
          <QueryState
            query={{ ...invoices, data: rows }}
            isEmpty={(data) => data.length === 0}
            empty={<EmptyState title={t('invoiceSettings.clientTab.empty')} />}
          >
            {(data) => (
              <Table caption={t('invoiceSettings.clientTab.invoices', { name: client.name })}>
                <HeaderRow
                  columns={[
                    t('invoiceSettings.clientTab.number'),
                    t('invoiceSettings.clientTab.status'),
                    t('invoiceSettings.clientTab.issued'),
                    t('invoiceSettings.clientTab.due'),
                    t('invoiceSettings.clientTab.total'),
                    t('invoiceSettings.clientTab.balanceDue'),
                  ]}
                />
                <TBody>
                  {data.map((inv) => (
                    <TR key={inv.id}>
                      <TD className="font-medium">
                        <Link
                          to="/invoices/$invoiceId"
                          params={{ invoiceId: inv.id }}
                          className={linkClasses}
                        >
                          {inv.number ?? t('invoiceSettings.clientTab.draft')}
                        </Link>
                      </TD>
                      <TD>
                        <InvoiceStatusBadge status={inv.status} />
                      </TD>
                      <TD className="whitespace-nowrap">{formatDay(inv.issueDate) || '—'}</TD>
                      <TD className="whitespace-nowrap">{formatDay(inv.dueDate) || '—'}</TD>
                      <TD className="whitespace-nowrap">
                        <Money value={inv.total} currency={inv.currency} />
                      </TD>
                      <TD className="whitespace-nowrap">
                        <Money value={inv.balance} currency={inv.currency} />
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            )}
          </QueryState>
          {invoices.hasNextPage ? (
            <Button
              variant="secondary"
              loading={invoices.isFetchingNextPage}
              onClick={() => void invoices.fetchNextPage()}
            >
              {t('invoiceSettings.clientTab.loadMore')}
            </Button>
          ) : null}
        </div>
      </Card>
    </>
  )
}
