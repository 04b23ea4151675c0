import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, buttonClasses, ConfirmDialog, FormDialog, Input, Select } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { can, type Me } from '../auth/api.ts'
import { MemberPicker, type PickedMember } from '../members/member-picker.tsx'
import {
  type BulkAction,
  type BulkActionName,
  type ClientSearch,
  type ClientStatus,
  clientFilterParams,
  clientStatuses,
  clientsApi,
  clientsExportUrl,
  clientsKey,
  clientTagsQuery,
} from './api.ts'
import { parseTags } from './tags.ts'

/** What the bulk action applies to: chosen rows, or every client matching the view. */
export type BulkTarget = { kind: 'ids'; ids: string[] } | { kind: 'all'; count: number }

const WRITE_ACTIONS = [
  'setOwner',
  'tag',
  'untag',
  'assign',
  'unassign',
  'status',
  'archive',
  'restore',
] as const

export function BulkActionBar({
  me,
  search,
  target,
  onDone,
  onClear,
  returnFocus,
  selectAllOffer,
}: {
  me: Me
  search: ClientSearch
  target: BulkTarget
  onDone: () => void
  onClear: () => void
  /** Where focus goes when a dialog closes with the bar (the action cleared the selection). */
  returnFocus: () => HTMLElement | null
  selectAllOffer?: { count: number; onSelectAll: () => void }
}) {
  const { t } = useTranslation()
  const [action, setAction] = useState<BulkActionName | 'setOwner' | null>(null)
  const count = target.kind === 'all' ? target.count : target.ids.length
  const mutation = useRefreshingMutation({
    mutationFn: (input: Omit<BulkAction, 'ids' | 'filter'>) =>
      clientsApi.bulk({
        ...input,
        ...(target.kind === 'all'
          ? {
              filter: clientFilterParams(search),
              expectedCount: input.action === 'delete' ? target.count : undefined,
            }
          : { ids: target.ids }),
      }),
    queryKey: clientsKey,
    onSuccess: (result, input) => {
      setAction(null)
      onDone()
      showToast({ message: t(`clients.bulk.done.${input.action}`, { count: result.affected }) })
    },
  })
  const open = (next: BulkActionName | 'setOwner') => {
    mutation.reset()
    setAction(next)
  }
  const close = () => {
    setAction(null)
    mutation.reset()
  }
  const canWrite = can(me, 'clients:write')
  const error = mutation.error ? errorMessage(mutation.error, t) : null

  return (
    <section
      aria-label={t('clients.bulk.title')}
      className="fixed inset-x-0 bottom-4 z-40 mx-auto flex w-fit max-w-[calc(100%-2rem)] flex-wrap items-center gap-2 rounded-lg border border-indigo-200 bg-indigo-50 p-3 shadow-xl dark:border-indigo-800 dark:bg-indigo-950"
    >
      <p className="mr-2 text-sm font-medium" aria-live="polite">
        {target.kind === 'all'
          ? t('clients.bulk.allSelected', { count })
          : t('clients.bulk.selected', { count })}
      </p>
      {selectAllOffer ? (
        <Button variant="ghost" onClick={selectAllOffer.onSelectAll}>
          {t('clients.bulk.selectAll', { count: selectAllOffer.count })}
        </Button>
      ) : null}
      {canWrite
        ? WRITE_ACTIONS.map((a) => (
            <Button key={a} variant="secondary" onClick={() => open(a)}>
              {t(`clients.bulk.actions.${a}`)}
            </Button>
          ))
        : null}
      {can(me, 'clients:delete') ? (
        <Button variant="danger" onClick={() => open('delete')}>
          {t('clients.bulk.actions.delete')}
        </Button>
      ) : null}
      {target.kind === 'all' && can(me, 'clients:export') ? (
        <a href={clientsExportUrl(search)} download className={buttonClasses('secondary')}>
          {t('clients.bulk.actions.export')}
        </a>
      ) : null}
      <Button variant="ghost" onClick={onClear}>
        {t('clients.bulk.clear')}
      </Button>

      {action === 'setOwner' ? (
        <OwnerDialog
          count={count}
          pending={mutation.isPending}
          error={mutation.error}
          onClose={close}
          returnFocus={returnFocus}
          onSubmit={(userId) => mutation.mutate({ action: 'setOwner', userId } as never)}
        />
      ) : null}
      {action === 'tag' || action === 'untag' ? (
        <TagsDialog
          action={action}
          returnFocus={returnFocus}
          count={count}
          pending={mutation.isPending}
          error={mutation.error}
          onClose={close}
          onSubmit={(tags) => mutation.mutate({ action, tags })}
        />
      ) : null}
      {action === 'assign' || action === 'unassign' ? (
        <AssignDialog
          action={action}
          returnFocus={returnFocus}
          count={count}
          pending={mutation.isPending}
          error={mutation.error}
          onClose={close}
          onSubmit={(userId) => mutation.mutate({ action, userId })}
        />
      ) : null}
      {action === 'status' ? (
        <StatusDialog
          count={count}
          returnFocus={returnFocus}
          pending={mutation.isPending}
          error={mutation.error}
          onClose={close}
          onSubmit={(status) => mutation.mutate({ action, status })}
        />
      ) : null}
      <ConfirmDialog
        open={action === 'archive' || action === 'restore'}
        title={
          action === 'restore'
            ? t('clients.bulk.restoreTitle', { count })
            : t('clients.bulk.archiveTitle', { count })
        }
        description={action === 'restore' ? t('clients.bulk.restoreBody') : t('clients.bulk.archiveBody')}
        confirmLabel={
          action === 'restore' ? t('clients.bulk.actions.restore') : t('clients.bulk.actions.archive')
        }
        pending={mutation.isPending}
        error={error}
        onConfirm={() => action && mutation.mutate({ action } as Omit<BulkAction, 'ids' | 'filter'>)}
        onClose={close}
        returnFocus={returnFocus}
      />
      <ConfirmDialog
        open={action === 'delete'}
        title={t('clients.bulk.deleteTitle', { count })}
        description={t('clients.bulk.deleteBody', { count })}
        confirmLabel={t('clients.bulk.deleteConfirm', { count })}
        pending={mutation.isPending}
        error={error}
        onConfirm={() => mutation.mutate({ action: 'delete' })}
        onClose={close}
        returnFocus={returnFocus}
      />
    </section>
  )
}

type DialogProps<T> = {
  count: number
  pending: boolean
  error: unknown
  onClose: () => void
  onSubmit: (value: T) => void
  returnFocus: () => HTMLElement | null
}

function DialogError({ error, handled }: { error: unknown; handled: string[] }) {
  const { t } = useTranslation()
  const fields = fieldErrorsOf(error)
  const showGeneral = error && !handled.some((field) => fields[field])
  return (
    <div aria-live="assertive">
      {showGeneral ? (
        <p className="text-sm text-red-700 dark:text-red-400">{errorMessage(error, t)}</p>
      ) : null}
    </div>
  )
}

function TagsDialog({
  action,
  count,
  pending,
  error,
  onClose,
  onSubmit,
  returnFocus,
}: DialogProps<string[]> & { action: 'tag' | 'untag' }) {
  const { t } = useTranslation()
  const listId = useId()
  const tags = useQuery(clientTagsQuery)
  const [value, setValue] = useState('')
  const [invalid, setInvalid] = useState<string>()
  const submit = () => {
    const parsed = parseTags(value)
    if (parsed.length === 0) return setInvalid(t('validation.required'))
    if (parsed.some((tag) => tag.length > 40)) return setInvalid(t('clients.validation.tag'))
    setInvalid(undefined)
    onSubmit(parsed)
  }
  const label = action === 'tag' ? t('clients.bulk.actions.tag') : t('clients.bulk.actions.untag')
  return (
    <FormDialog
      onClose={onClose}
      returnFocus={returnFocus}
      title={
        action === 'tag' ? t('clients.bulk.tagTitle', { count }) : t('clients.bulk.untagTitle', { count })
      }
      submitLabel={label}
      pending={pending}
      onSubmit={submit}
    >
      <Input
        label={t('clients.fields.tags')}
        hint={t('clients.fields.tagsHint')}
        name="tags"
        list={listId}
        autoComplete="off"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        error={invalid ?? fieldErrorsOf(error).tags}
      />
      <datalist id={listId}>
        {(tags.data ?? []).map((tag) => (
          <option key={tag.tag} value={tag.tag} />
        ))}
      </datalist>
      <DialogError error={error} handled={['tags']} />
    </FormDialog>
  )
}

function AssignDialog({
  action,
  count,
  pending,
  error,
  onClose,
  onSubmit,
  returnFocus,
}: DialogProps<string> & { action: 'assign' | 'unassign' }) {
  const { t } = useTranslation()
  const label = action === 'assign' ? t('clients.bulk.actions.assign') : t('clients.bulk.actions.unassign')
  return (
    <MemberDialog
      title={
        action === 'assign'
          ? t('clients.bulk.assignTitle', { count })
          : t('clients.bulk.unassignTitle', { count })
      }
      label={t('clients.fields.assignee')}
      submitLabel={label}
      pending={pending}
      error={error}
      onClose={onClose}
      returnFocus={returnFocus}
      onSubmit={(member) => member && onSubmit(member.id)}
    />
  )
}

function OwnerDialog({ count, pending, error, onClose, onSubmit, returnFocus }: DialogProps<string>) {
  const { t } = useTranslation()
  return (
    <MemberDialog
      title={t('clients.bulk.ownerTitle', { count })}
      label={t('clients.fields.owner')}
      submitLabel={t('clients.bulk.actions.setOwner')}
      pending={pending}
      error={error}
      onClose={onClose}
      returnFocus={returnFocus}
      onSubmit={(member) => member && onSubmit(member.id)}
    />
  )
}

/** Pick one member (searched on the server as the user types), then confirm. */
function MemberDialog({
  title,
  label,
  submitLabel,
  pending,
  error,
  onClose,
  returnFocus,
  onSubmit,
}: {
  title: string
  label: string
  submitLabel: string
  pending: boolean
  error: unknown
  onClose: () => void
  returnFocus: () => HTMLElement | null
  onSubmit: (member: PickedMember | null) => void
}) {
  const { t } = useTranslation()
  const [picked, setPicked] = useState<PickedMember | null | undefined>(undefined)
  const [invalid, setInvalid] = useState<string>()
  const submit = () => {
    if (picked === undefined) return setInvalid(t('validation.required'))
    setInvalid(undefined)
    onSubmit(picked)
  }
  return (
    <FormDialog
      onClose={onClose}
      returnFocus={returnFocus}
      title={title}
      submitLabel={submitLabel}
      pending={pending}
      onSubmit={submit}
    >
      <p className="text-sm" aria-live="polite">
        {picked === undefined
          ? t('clients.bulk.chooseMember')
          : t('clients.bulk.chosen', { name: picked?.name ?? t('clients.noOwner') })}
      </p>
      <MemberPicker label={label} inline autoFocus onChange={(member) => setPicked(member)} />
      {(invalid ?? fieldErrorsOf(error).userId) ? (
        <p className="text-sm text-red-700 dark:text-red-400">{invalid ?? fieldErrorsOf(error).userId}</p>
      ) : null}
      <DialogError error={error} handled={['userId']} />
    </FormDialog>
  )
}

function StatusDialog({ count, pending, error, onClose, onSubmit, returnFocus }: DialogProps<ClientStatus>) {
  const { t } = useTranslation()
  const [status, setStatus] = useState<ClientStatus>('active')
  return (
    <FormDialog
      onClose={onClose}
      returnFocus={returnFocus}
      title={t('clients.bulk.statusTitle', { count })}
      submitLabel={t('clients.bulk.actions.status')}
      pending={pending}
      onSubmit={() => onSubmit(status)}
    >
      <Select
        label={t('clients.fields.status')}
        name="status"
        value={status}
        onChange={(e) => setStatus(e.target.value as ClientStatus)}
        error={fieldErrorsOf(error).status}
      >
        {clientStatuses.map((value) => (
          <option key={value} value={value}>
            {t(`clients.status.${value}`)}
          </option>
        ))}
      </Select>
      <DialogError error={error} handled={['status']} />
    </FormDialog>
  )
}
