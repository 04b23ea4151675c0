import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox } from '../../components/ui/combobox.tsx'
import {
  Button,
  Card,
  Checkbox,
  ConfirmDialog,
  Form,
  FormCard,
  Input,
  PageSpinner,
} from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useIntlOptions } from '../../lib/intl-options.ts'
import { type Profile, profileApi, profileQuery } from './api.ts'
import './strings.ts'

export function ProfilePage() {
  const profile = useQuery(profileQuery)
  if (!profile.data) return <PageSpinner />
  return (
    <>
      <DetailsCard profile={profile.data} />
      <PasswordCard />
      <EmailCard profile={profile.data} />
      <DeleteCard profile={profile.data} />
    </>
  )
}

/** A round badge with the user's initials, where a picture would be. */
export function Avatar({ initials, size = 'md' }: { initials: string; size?: 'md' | 'lg' }) {
  return (
    <span
      aria-hidden="true"
      className={
        size === 'lg'
          ? 'inline-flex size-16 items-center justify-center rounded-full bg-indigo-700 text-xl font-semibold text-white dark:bg-indigo-300 dark:text-slate-950'
          : 'inline-flex size-8 items-center justify-center rounded-full bg-indigo-700 text-sm font-semibold text-white dark:bg-indigo-300 dark:text-slate-950'
      }
    >
      {initials}
    </span>
  )
}

function DetailsCard({ profile }: { profile: Profile }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const intl = useIntlOptions()
  const [name, setName] = useState(profile.name)
  const [timeZone, setTimeZone] = useState(profile.timeZone)
  const [language, setLanguage] = useState(profile.language)
  const [notice, setNotice] = useState<string | null>(null)
  const save = useMutation({
    mutationFn: () => profileApi.update({ name, timeZone, language }),
    onSuccess: (updated) => {
      queryClient.setQueryData(profileQuery.queryKey, updated)
      void queryClient.invalidateQueries({ queryKey: ['me'], exact: true })
      setNotice(t('profile.saved'))
    },
  })
  const errors = fieldErrorsOf(save.error)
  return (
    <FormCard
      title={t('profile.details')}
      lead={
        <div className="flex items-center gap-4">
          <Avatar initials={profile.initials} size="lg" />
          <p className="text-sm text-slate-600 dark:text-slate-300">{t('profile.avatar')}</p>
        </div>
      }
      error={save.error && !Object.keys(errors).length ? errorMessage(save.error, t) : null}
      notice={notice}
      submitLabel={t('profile.save')}
      pending={save.isPending}
      onSubmit={() => {
        setNotice(null)
        save.mutate()
      }}
    >
      <Input
        label={t('profile.name')}
        name="name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Combobox
          label={t('profile.timeZone')}
          hint={t('profile.timeZoneHint')}
          options={intl.timeZones()}
          value={timeZone}
          noneLabel={t('profile.followBrowser')}
          onChange={setTimeZone}
          error={errors.timeZone}
        />
        <Combobox
          label={t('profile.language')}
          hint={t('profile.languageHint')}
          options={intl.languages()}
          value={language}
          noneLabel={t('profile.followBrowser')}
          onChange={setLanguage}
          error={errors.language}
        />
      </div>
    </FormCard>
  )
}

function PasswordCard() {
  const { t } = useTranslation()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [others, setOthers] = useState(true)
  const [notice, setNotice] = useState<string | null>(null)
  const [tooShort, setTooShort] = useState(false)
  const change = useMutation({
    mutationFn: () =>
      profileApi.changePassword({ currentPassword: current, newPassword: next, revokeOtherSessions: others }),
    onSuccess: () => {
      setCurrent('')
      setNext('')
      setNotice(t('profile.password.changed'))
    },
  })
  return (
    <FormCard
      title={t('profile.password.title')}
      error={change.error ? errorMessage(change.error, t) : null}
      notice={notice}
      submitLabel={t('profile.password.submit')}
      pending={change.isPending}
      disabled={!current || !next}
      onSubmit={() => {
        setNotice(null)
        setTooShort(next.length < 10)
        if (next.length >= 10) change.mutate()
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Input
          label={t('profile.password.current')}
          type="password"
          name="current-password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <Input
          label={t('profile.password.new')}
          type="password"
          name="new-password"
          autoComplete="new-password"
          hint={t('profile.password.newHint')}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={tooShort ? t('profile.password.tooShort') : undefined}
        />
      </div>
      <Checkbox
        label={t('profile.password.signOutOthers')}
        checked={others}
        onChange={(e) => setOthers(e.target.checked)}
      />
    </FormCard>
  )
}

function EmailCard({ profile }: { profile: Profile }) {
  const { t } = useTranslation()
  const [email, setEmail] = useState('')
  const change = useMutation({ mutationFn: () => profileApi.changeEmail(email.trim()) })
  return (
    <FormCard
      title={t('profile.email.title')}
      description={t('profile.email.current', { email: profile.email })}
      error={change.error ? errorMessage(change.error, t) : null}
      notice={change.isSuccess ? t('profile.email.sent', { email: change.variables ?? email }) : null}
      submitLabel={t('profile.email.submit')}
      submitVariant="secondary"
      pending={change.isPending}
      disabled={!email.trim()}
      onSubmit={() => change.mutate()}
    >
      <Input
        label={t('profile.email.new')}
        type="email"
        name="new-email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fieldErrorsOf(change.error).newEmail}
      />
    </FormCard>
  )
}

function DeleteCard({ profile }: { profile: Profile }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState(false)
  const remove = useMutation({
    mutationFn: () => profileApi.deleteAccount(password),
    onSuccess: async () => {
      queryClient.clear()
      await navigate({ to: '/sign-in' })
    },
  })
  const owned = profile.ownedWorkspaces
  return (
    <Card title={t('profile.delete.title')} description={t('profile.delete.body')}>
      {owned.length ? (
        <p className="text-sm text-slate-700 dark:text-slate-200">
          {t('profile.delete.owner', { names: owned.map((w) => w.name).join(', ') })}
        </p>
      ) : (
        <Form
          onSubmit={() => {
            remove.reset()
            setConfirm(true)
          }}
        >
          <Input
            label={t('profile.delete.password')}
            type="password"
            name="delete-password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldErrorsOf(remove.error).password}
          />
          <Button type="submit" variant="danger" disabled={!password}>
            {t('profile.delete.submit')}
          </Button>
        </Form>
      )}
      <ConfirmDialog
        open={confirm}
        title={t('profile.delete.confirmTitle')}
        description={t('profile.delete.confirmBody')}
        confirmLabel={t('profile.delete.submit')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirm(false)}
      />
    </Card>
  )
}
