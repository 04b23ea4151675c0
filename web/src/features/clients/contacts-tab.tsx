import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Button,
  Card,
  Checkbox,
  ConfirmDialog,
  EmptyState,
  FormDialog,
  HeaderRow,
  Input,
  QueryState,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { errorMessage, formErrorOf } from '../../lib/errors.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { can } from '../auth/api.ts'
import { type Contact, type CreateContact, clientsApi, clientsKey, contactsQuery } from './api.ts'
import { RequiredMark } from './custom-field-input.tsx'
import type { ClientTabProps } from './tabs.ts'

type Editing = { mode: 'create' } | { mode: 'edit'; contact: Contact } | null

export function ContactsTab({ client, me }: ClientTabProps) {
  const { t } = useTranslation()
  const contacts = useQuery(contactsQuery(client.id))
  const [editing, setEditing] = useState<Editing>(null)
  const [deleting, setDeleting] = useState<Contact | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const canWrite = can(me, 'clients:write')
  const makePrimary = useRefreshingMutation({
    mutationFn: (contact: Contact) =>
      clientsApi.updateContact({ clientId: client.id, contactId: contact.id, input: { isPrimary: true } }),
    queryKey: clientsKey,
    onSuccess: (contact) => setNotice(t('clients.contacts.primarySet', { name: contact.name })),
  })
  const remove = useRefreshingMutation({
    mutationFn: (contact: Contact) =>
      clientsApi.deleteContact({ clientId: client.id, contactId: contact.id }),
    queryKey: clientsKey,
    onSuccess: (_, contact) => {
      setDeleting(null)
      setNotice(t('clients.contacts.deleted', { name: contact.name }))
    },
  })

  return (
    <Card
      title={t('clients.contacts.title')}
      actions={
        canWrite ? (
          <Button
            onClick={() => {
              setNotice(null)
              setEditing({ mode: 'create' })
            }}
          >
            {t('clients.contacts.add')}
          </Button>
        ) : null
      }
    >
      <div className="space-y-4">
        <ActionFeedback
          error={makePrimary.error ? errorMessage(makePrimary.error, t) : null}
          notice={notice}
        />
        <QueryState
          query={contacts}
          isEmpty={(data) => data.length === 0}
          empty={
            <EmptyState title={t('clients.contacts.empty')} description={t('clients.contacts.emptyHint')} />
          }
        >
          {(data) => (
            <Table caption={t('clients.contacts.title')}>
              <HeaderRow
                columns={[
                  t('clients.contacts.fields.name'),
                  t('clients.contacts.fields.role'),
                  t('clients.contacts.fields.email'),
                  t('clients.contacts.fields.phone'),
                ]}
                actions={canWrite ? t('common.actions') : undefined}
              />
              <TBody>
                {data.map((contact) => (
                  <TR key={contact.id}>
                    <TD className="font-medium">
                      {contact.name}
                      {contact.isPrimary ? (
                        <span className="ml-2 rounded-full bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
                          {t('clients.contacts.primary')}
                        </span>
                      ) : null}
                    </TD>
                    <TD>{contact.role ?? '—'}</TD>
                    <TD className="[overflow-wrap:anywhere]">
                      {contact.email ? (
                        <a className={linkClasses} href={`mailto:${contact.email}`}>
                          {contact.email}
                        </a>
                      ) : (
                        '—'
                      )}
                    </TD>
                    <TD className="whitespace-nowrap">{contact.phone ?? '—'}</TD>
                    {canWrite ? (
                      <TD>
                        <div className="flex flex-wrap justify-end gap-2">
                          {contact.isPrimary ? null : (
                            <Button
                              variant="ghost"
                              loading={makePrimary.isPending && makePrimary.variables?.id === contact.id}
                              onClick={() => makePrimary.mutate(contact)}
                              aria-label={t('clients.contacts.makePrimaryNamed', { name: contact.name })}
                            >
                              {t('clients.contacts.makePrimary')}
                            </Button>
                          )}
                          <Button
                            variant="secondary"
                            onClick={() => {
                              setNotice(null)
                              setEditing({ mode: 'edit', contact })
                            }}
                            aria-label={t('clients.contacts.editNamed', { name: contact.name })}
                          >
                            {t('clients.contacts.edit')}
                          </Button>
                          <Button
                            variant="ghost"
                            onClick={() => {
                              remove.reset()
                              setDeleting(contact)
                            }}
                            aria-label={t('clients.contacts.deleteNamed', { name: contact.name })}
                          >
                            {t('clients.contacts.delete')}
                          </Button>
                        </div>
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
        <ContactDialog
          clientId={client.id}
          contact={editing.mode === 'edit' ? editing.contact : undefined}
          onClose={() => setEditing(null)}
          onSaved={(contact) => {
            setEditing(null)
            setNotice(t('clients.contacts.saved', { name: contact.name }))
          }}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t('clients.contacts.deleteTitle')}
        description={t('clients.contacts.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('clients.contacts.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Card>
  )
}

function ContactDialog({
  clientId,
  contact,
  onClose,
  onSaved,
}: {
  clientId: string
  contact?: Contact
  onClose: () => void
  onSaved: (contact: Contact) => void
}) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState({
    name: contact?.name ?? '',
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
    role: contact?.role ?? '',
    isPrimary: contact?.isPrimary ?? false,
  })
  const save = useRefreshingMutation({
    mutationFn: (input: CreateContact) =>
      contact
        ? clientsApi.updateContact({ clientId, contactId: contact.id, input })
        : clientsApi.createContact({ clientId, input }),
    queryKey: clientsKey,
    onSuccess: onSaved,
  })
  const form = useValidatedForm(
    save.error,
    () => ({
      name: !draft.name.trim() && t('validation.required'),
      email: draft.email.trim() && !/^\S+@\S+\.\S+$/.test(draft.email.trim()) && t('validation.email'),
    }),
    () =>
      save.mutate({
        name: draft.name.trim(),
        email: draft.email.trim() || null,
        phone: draft.phone.trim() || null,
        role: draft.role.trim() || null,
        isPrimary: draft.isPrimary,
      }),
  )
  const set = (key: 'name' | 'email' | 'phone' | 'role', value: string) =>
    setDraft((d) => ({ ...d, [key]: value }))
  const formError = formErrorOf(save.error, t, ['name', 'email', 'phone', 'role', 'isPrimary'])
  return (
    <FormDialog
      onClose={onClose}
      title={contact ? t('clients.contacts.editTitle') : t('clients.contacts.addTitle')}
      onSubmit={form.onSubmit}
      submitLabel={contact ? t('common.save') : t('clients.contacts.add')}
      pending={save.isPending}
    >
      <div aria-live="assertive">
        {formError ? <p className="text-sm text-red-700 dark:text-red-400">{formError}</p> : null}
      </div>
      <Input
        name="name"
        label={
          <>
            {t('clients.contacts.fields.name')}
            <RequiredMark />
          </>
        }
        aria-required
        autoComplete="off"
        value={draft.name}
        onChange={(e) => set('name', e.target.value)}
        error={form.errorFor('name')}
      />
      <Input
        name="email"
        type="email"
        label={t('clients.contacts.fields.email')}
        autoComplete="off"
        value={draft.email}
        onChange={(e) => set('email', e.target.value)}
        error={form.errorFor('email')}
      />
      <Input
        name="phone"
        type="tel"
        label={t('clients.contacts.fields.phone')}
        autoComplete="off"
        value={draft.phone}
        onChange={(e) => set('phone', e.target.value)}
        error={form.errorFor('phone')}
      />
      <Input
        name="role"
        label={t('clients.contacts.fields.role')}
        hint={t('clients.contacts.fields.roleHint')}
        autoComplete="off"
        value={draft.role}
        onChange={(e) => set('role', e.target.value)}
        error={form.errorFor('role')}
      />
      <Checkbox
        label={t('clients.contacts.fields.isPrimary')}
        checked={draft.isPrimary}
        onChange={(e) => setDraft((d) => ({ ...d, isPrimary: e.target.checked }))}
        error={form.errorFor('isPrimary')}
      />
    </FormDialog>
  )
}
