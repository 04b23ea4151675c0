import { type KeyboardEvent, lazy, type ReactNode, Suspense, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { GridColumn } from '../../components/grid/index.ts'
import { useFormatDate } from '../../lib/format.ts'
import { can, type Me } from '../auth/api.ts'
import { type Client, type ClientStatus, type CustomField, clientStatuses, sortableTypes } from './api.ts'
import { ClientLink, StatusBadge, TagList } from './badges.tsx'
import { fieldLabel, useFormatCustomValue } from './custom-field-format.tsx'
import { parseTags } from './tags.ts'
import { useClientPatch } from './use-client-patch.ts'

// The owner editor's picker (a searchable list over the server) loads when a cell is first edited.
const MemberPicker = lazy(() =>
  import('../members/member-picker.tsx').then((m) => ({ default: m.MemberPicker })),
)

export const defaultClientColumns = ['name', 'status', 'tags', 'owner', 'created']

const editorInput =
  'w-full rounded-md border border-slate-400 bg-white px-2 py-1 text-sm dark:border-slate-500 dark:bg-slate-950'

/** A one-line text editor: Enter saves, Escape or leaving the cell cancels. */
function TextEditor({
  label,
  initial,
  inputMode,
  onSave,
  done,
}: {
  label: string
  initial: string
  inputMode?: 'decimal'
  onSave: (value: string) => void
  done: () => void
}) {
  const [value, setValue] = useState(initial)
  return (
    <input
      aria-label={label}
      // biome-ignore lint/a11y/noAutofocus: the editor opens because the user asked to edit this cell
      autoFocus
      inputMode={inputMode}
      className={editorInput}
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onBlur={done}
      onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => {
        if (event.key === 'Enter') {
          event.preventDefault()
          if (value !== initial) onSave(value)
          done()
        } else if (event.key === 'Escape') {
          event.preventDefault()
          event.stopPropagation()
          done()
        }
      }}
    />
  )
}

function SelectEditor({
  label,
  value,
  options,
  onSave,
  done,
}: {
  label: string
  value: string
  options: { value: string; label: string }[]
  onSave: (value: string) => void
  done: () => void
}) {
  return (
    <select
      aria-label={label}
      // biome-ignore lint/a11y/noAutofocus: the editor opens because the user asked to edit this cell
      autoFocus
      className={editorInput}
      value={value}
      onChange={(e) => {
        if (e.target.value !== value) onSave(e.target.value)
        done()
      }}
      onBlur={done}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault()
          event.stopPropagation()
          done()
        }
      }}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  )
}

const editableCustom: CustomField['type'][] = ['text', 'number', 'select']

/** The client grid's columns, custom fields included; editors only for those who may write. */
export function useClientColumns(me: Me, fields: CustomField[]): GridColumn<Client>[] {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const formatCustom = useFormatCustomValue()
  const patch = useClientPatch()
  const writable = can(me, 'clients:write')

  return useMemo(() => {
    const editor = (fn: (client: Client, done: () => void) => ReactNode) => (writable ? fn : undefined)
    const changed = (client: Client, field: string) => t('clients.grid.changed', { field, name: client.name })
    const columns: GridColumn<Client>[] = [
      {
        id: 'name',
        label: t('clients.fields.name'),
        frozen: true,
        size: 260,
        sortKey: 'name',
        cell: (client) => <ClientLink client={client} tabIndex={-1} className="truncate" />,
      },
      {
        id: 'status',
        label: t('clients.fields.status'),
        size: 120,
        cell: (client) => <StatusBadge status={client.status} />,
        editor: editor((client, done) => (
          <SelectEditor
            label={t('clients.grid.editField', { field: t('clients.fields.status'), name: client.name })}
            value={client.status}
            options={clientStatuses.map((s) => ({ value: s, label: t(`clients.status.${s}`) }))}
            onSave={(status) =>
              patch({
                client,
                input: { status: status as ClientStatus },
                shown: { status: status as ClientStatus },
                label: changed(client, t('clients.fields.status')),
              })
            }
            done={done}
          />
        )),
      },
      {
        id: 'tags',
        label: t('clients.fields.tags'),
        size: 200,
        cell: (client) => <TagList tags={client.tags} />,
        editor: editor((client, done) => (
          <TextEditor
            label={t('clients.grid.editField', { field: t('clients.fields.tags'), name: client.name })}
            initial={client.tags.join(', ')}
            onSave={(value) => {
              const tags = parseTags(value)
              patch({
                client,
                input: { tags },
                shown: { tags },
                label: changed(client, t('clients.fields.tags')),
              })
            }}
            done={done}
          />
        )),
      },
      {
        id: 'owner',
        label: t('clients.fields.owner'),
        size: 180,
        cell: (client) => <span className="truncate">{client.owner?.name ?? '—'}</span>,
        editor: editor((client, done) => (
          <Suspense
            fallback={<span className="h-7 w-full animate-pulse rounded-md bg-slate-100 dark:bg-slate-800" />}
          >
            <MemberPicker
              label={t('clients.grid.editField', { field: t('clients.fields.owner'), name: client.name })}
              hideLabel
              autoFocus
              noneLabel={t('clients.noOwner')}
              onEscape={done}
              onLeave={done}
              onChange={(owner) => {
                if ((owner?.id ?? null) !== (client.owner?.id ?? null))
                  patch({
                    client,
                    input: { ownerId: owner?.id ?? null },
                    shown: { owner },
                    label: changed(client, t('clients.fields.owner')),
                  })
                done()
              }}
            />
          </Suspense>
        )),
      },
      {
        id: 'assignees',
        label: t('clients.fields.assignee'),
        size: 180,
        cell: (client) => <span className="truncate">{client.assignees.map((a) => a.name).join(', ')}</span>,
      },
      {
        id: 'email',
        label: t('clients.fields.email'),
        size: 220,
        cell: (c) => <span className="truncate">{c.email}</span>,
      },
      {
        id: 'phone',
        label: t('clients.fields.phone'),
        size: 150,
        cell: (c) => <span className="truncate">{c.phone}</span>,
      },
      {
        id: 'created',
        label: t('clients.fields.created'),
        size: 130,
        sortKey: 'created',
        cell: (c) => <time dateTime={c.createdAt}>{formatDate(c.createdAt)}</time>,
      },
      {
        id: 'updated',
        label: t('clients.fields.updated'),
        size: 130,
        sortKey: 'updated',
        cell: (c) => <time dateTime={c.updatedAt}>{formatDate(c.updatedAt)}</time>,
      },
    ]
    for (const field of fields) {
      const key = field.key
      const label = fieldLabel(field)
      const save = (client: Client, value: unknown) => {
        const custom = { ...client.custom, [key]: value }
        patch({ client, input: { custom }, shown: { custom }, label: changed(client, field.label) })
      }
      const editLabel = (client: Client) =>
        t('clients.grid.editField', { field: field.label, name: client.name })
      columns.push({
        id: `cf.${key}`,
        label,
        group: t('clients.form.customFields'),
        size: 160,
        sortKey: sortableTypes.includes(field.type) ? `cf.${key}` : undefined,
        cell: (client) => <span className="truncate">{formatCustom(field, client.custom[key])}</span>,
        editor: editableCustom.includes(field.type)
          ? editor((client, done) =>
              field.type === 'select' ? (
                <SelectEditor
                  label={editLabel(client)}
                  value={String(client.custom[key] ?? '')}
                  options={[{ value: '', label: '—' }, ...field.options.map((o) => ({ value: o, label: o }))]}
                  onSave={(value) => save(client, value || null)}
                  done={done}
                />
              ) : (
                <TextEditor
                  label={editLabel(client)}
                  initial={client.custom[key] == null ? '' : String(client.custom[key])}
                  inputMode={field.type === 'number' ? 'decimal' : undefined}
                  onSave={(value) => {
                    const trimmed = value.trim()
                    save(client, !trimmed ? null : field.type === 'number' ? Number(trimmed) : trimmed)
                  }}
                  done={done}
                />
              ),
            )
          : undefined,
      })
    }
    return columns
  }, [t, fields, formatDate, formatCustom, patch, writable])
}
