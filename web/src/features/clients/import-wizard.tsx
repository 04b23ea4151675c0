import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import type { TFunction } from 'i18next'
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Alert,
  Button,
  buttonClasses,
  Card,
  Fieldset,
  Form,
  FormError,
  HeaderRow,
  Input,
  Select,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import {
  type ClientImport,
  type CustomField,
  clientsApi,
  clientsKey,
  customFieldsQuery,
  type DuplicateMode,
  duplicateModes,
  type ImportMapping,
  type ImportTarget,
  importErrorsUrl,
  importQuery,
  importTargets,
} from './api.ts'

const targetGroups: { key: 'client' | 'billingAddress' | 'contact'; targets: ImportTarget[] }[] = [
  { key: 'client', targets: importTargets.filter((target) => !target.includes('.')) },
  { key: 'billingAddress', targets: importTargets.filter((target) => target.startsWith('billingAddress.')) },
  { key: 'contact', targets: importTargets.filter((target) => target.startsWith('contact.')) },
]

/** Upload → map columns → check (dry run) → import with progress → summary. */
export function ImportWizard() {
  const [upload, setUpload] = useState<ClientImport | null>(null)
  if (!upload) return <UploadStep onUploaded={setUpload} />
  return <MappingStep key={upload.id} upload={upload} onRestart={() => setUpload(null)} />
}

function UploadStep({ onUploaded }: { onUploaded: (upload: ClientImport) => void }) {
  const { t } = useTranslation()
  const [file, setFile] = useState<File | null>(null)
  const [invalid, setInvalid] = useState<string>()
  const mutation = useMutation({ mutationFn: clientsApi.uploadImport, onSuccess: onUploaded })
  const submit = () => {
    if (!file) return setInvalid(t('clientImport.upload.chooseFile'))
    if (!/\.csv$/i.test(file.name) && file.type !== 'text/csv')
      return setInvalid(t('clientImport.upload.notCsv'))
    setInvalid(undefined)
    mutation.mutate(file)
  }
  return (
    <Card title={t('clientImport.upload.title')} description={t('clientImport.upload.description')}>
      <Form onSubmit={submit} aria-label={t('clientImport.upload.title')} className="max-w-xl space-y-4">
        <FormError message={mutation.error ? uploadErrorMessage(mutation.error, t) : null} />
        <Input
          label={t('clientImport.upload.file')}
          hint={t('clientImport.upload.fileHint')}
          name="file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            mutation.reset()
            setFile(e.target.files?.[0] ?? null)
          }}
          error={invalid}
        />
        <Button type="submit" loading={mutation.isPending}>
          {t('clientImport.upload.submit')}
        </Button>
      </Form>
    </Card>
  )
}

function uploadErrorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.status === 413 && !error.detail)
    return t('clientImport.upload.tooLarge')
  const message = errorMessage(error, t)
  if (error instanceof ApiError) {
    const rows = Object.entries(error.fieldErrors)
      .filter(([, text]) => !message.includes(text))
      .map(([field, text]) => `${field}: ${text}`)
    if (rows.length) return `${message} (${rows.join('; ')})`
  }
  return message
}

function fullMapping(upload: ClientImport): ImportMapping {
  const mapping: ImportMapping = {}
  upload.headers.forEach((_, index) => {
    mapping[String(index)] = upload.mapping[String(index)] ?? null
  })
  return mapping
}

function MappingStep({ upload, onRestart }: { upload: ClientImport; onRestart: () => void }) {
  const { t } = useTranslation()
  const fields = useQuery(customFieldsQuery)
  const [mapping, setMapping] = useState<ImportMapping>(() => fullMapping(upload))
  const [duplicates, setDuplicates] = useState<DuplicateMode>(upload.duplicates ?? 'skip')
  const [problem, setProblem] = useState<string | null>(null)
  const options = { mapping, duplicates }
  const optionsKey = JSON.stringify(options)
  const check = useMutation({ mutationFn: clientsApi.checkImport })
  const run = useMutation({ mutationFn: clientsApi.runImport })
  const checked =
    check.data &&
    check.variables &&
    JSON.stringify({ mapping: check.variables.mapping, duplicates: check.variables.duplicates }) ===
      optionsKey
      ? check.data
      : null

  if (run.data) return <ProgressStep initial={run.data} onRestart={onRestart} />

  const validateMapping = (): string | null => {
    const targets = Object.values(mapping).filter((target): target is string => Boolean(target))
    if (!targets.includes('name')) return t('clientImport.mapping.needsName')
    const twice = targets.find((target, index) => targets.indexOf(target) !== index)
    if (twice)
      return t('clientImport.mapping.mappedTwice', { target: targetLabel(twice, fields.data ?? [], t) })
    return null
  }
  const onCheck = () => {
    const message = validateMapping()
    setProblem(message)
    if (!message) check.mutate({ importId: upload.id, ...options })
  }

  return (
    <>
      <Card
        title={t('clientImport.mapping.title')}
        description={t('clientImport.mapping.description', {
          filename: upload.filename,
          count: upload.totalRows,
        })}
        actions={
          <Button variant="secondary" onClick={onRestart}>
            {t('clientImport.restart')}
          </Button>
        }
      >
        <Form onSubmit={onCheck} aria-label={t('clientImport.mapping.title')} className="space-y-4">
          <FormError message={problem ?? (check.error ? errorMessage(check.error, t) : null)} />
          <Table caption={t('clientImport.mapping.columns')}>
            <HeaderRow
              columns={[
                t('clientImport.mapping.column'),
                t('clientImport.mapping.samples'),
                t('clientImport.mapping.target'),
              ]}
            />
            <TBody>
              {upload.headers.map((header, index) => {
                const key = String(index)
                const samples = upload.sample
                  .map((row) => row[index] ?? '')
                  .filter(Boolean)
                  .slice(0, 3)
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are identified by their position in the file
                  <TR key={index}>
                    <TD className="font-medium">
                      {header || t('clientImport.mapping.unnamed', { number: index + 1 })}
                    </TD>
                    <TD>
                      {samples.length ? (
                        <ul className="space-y-0.5 text-xs text-slate-700 dark:text-slate-300">
                          {samples.map((sample, sampleIndex) => (
                            // biome-ignore lint/suspicious/noArrayIndexKey: sample values may repeat
                            <li key={sampleIndex} className="max-w-64 truncate" title={sample}>
                              {sample}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        '—'
                      )}
                    </TD>
                    <TD className="min-w-56">
                      <TargetSelect
                        header={header || t('clientImport.mapping.unnamed', { number: index + 1 })}
                        value={mapping[key] ?? null}
                        fields={fields.data ?? []}
                        onChange={(target) => setMapping((m) => ({ ...m, [key]: target }))}
                      />
                    </TD>
                  </TR>
                )
              })}
            </TBody>
          </Table>
          <Fieldset legend={t('clientImport.duplicates.title')} hint={t('clientImport.duplicates.hint')}>
            {duplicateModes.map((mode) => (
              <label key={mode} className="flex items-start gap-2 text-sm">
                <input
                  type="radio"
                  name="duplicates"
                  value={mode}
                  checked={duplicates === mode}
                  onChange={() => setDuplicates(mode)}
                  className="mt-0.5 size-4 accent-indigo-700 dark:accent-indigo-300"
                />
                <span>
                  <span className="font-medium">{t(`clientImport.duplicates.${mode}.label`)}</span>
                  <span className="block text-slate-600 dark:text-slate-300">
                    {t(`clientImport.duplicates.${mode}.description`)}
                  </span>
                </span>
              </label>
            ))}
          </Fieldset>
          <Button type="submit" variant={checked ? 'secondary' : 'primary'} loading={check.isPending}>
            {t('clientImport.check.submit')}
          </Button>
        </Form>
      </Card>
      {checked ? (
        <CheckResult
          result={checked}
          running={run.isPending}
          runError={run.error}
          onRun={() => run.mutate({ importId: upload.id, ...options })}
        />
      ) : null}
    </>
  )
}

function targetLabel(target: string, fields: CustomField[], t: TFunction): string {
  if (target.startsWith('cf.')) {
    const field = fields.find((f) => `cf.${f.key}` === target)
    return t('clientImport.customTarget', { label: field?.label ?? target.slice(3) })
  }
  if ((importTargets as readonly string[]).includes(target))
    return t(`clientImport.targets.${target as ImportTarget}`)
  return target
}

function TargetSelect({
  header,
  value,
  fields,
  onChange,
}: {
  header: string
  value: string | null
  fields: CustomField[]
  onChange: (target: string | null) => void
}) {
  const { t } = useTranslation()
  const known =
    value === null ||
    (importTargets as readonly string[]).includes(value) ||
    fields.some((field) => `cf.${field.key}` === value)
  return (
    <Select
      label={t('clientImport.mapping.targetFor', { header })}
      hideLabel
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || null)}
    >
      <option value="">{t('clientImport.mapping.skip')}</option>
      {known || value === null ? null : <option value={value}>{value}</option>}
      {targetGroups.map((group) => (
        <optgroup key={group.key} label={t(`clientImport.groups.${group.key}`)}>
          {group.targets.map((target) => (
            <option key={target} value={target}>
              {t(`clientImport.targets.${target}`)}
            </option>
          ))}
        </optgroup>
      ))}
      {fields.length > 0 ? (
        <optgroup label={t('clientImport.groups.custom')}>
          {fields.map((field) => (
            <option key={field.id} value={`cf.${field.key}`}>
              {field.label}
            </option>
          ))}
        </optgroup>
      ) : null}
    </Select>
  )
}

function Counts({ result, heading }: { result: ClientImport; heading: string }) {
  const { t } = useTranslation()
  const items = [
    ['created', result.created],
    ['updated', result.updated],
    ['skipped', result.skipped],
    ['failed', result.failed],
  ] as const
  return (
    <section aria-label={heading}>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {items.map(([key, value]) => (
          <div key={key} className="rounded-md border border-slate-200 p-3 dark:border-slate-700">
            <dt className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
              {t(`clientImport.counts.${key}`)}
            </dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}

/** The file's own column name for a field the server names (`email`, `custom.industry`). */
function columnOf(result: ClientImport, field: string): string | null {
  const target = field.startsWith('custom.') ? `cf.${field.slice(7)}` : field
  const col = Object.entries(result.mapping).find(([, to]) => to === target)?.[0]
  return col === undefined ? null : (result.headers[Number(col)] ?? null)
}

function RowErrors({ result }: { result: ClientImport }) {
  const { t } = useTranslation()
  if (result.errors.length === 0) return null
  return (
    <div className="space-y-2">
      <Table caption={t('clientImport.errors.title')}>
        <HeaderRow
          columns={[
            t('clientImport.errors.row'),
            t('clientImport.errors.field'),
            t('clientImport.errors.message'),
          ]}
        />
        <TBody>
          {result.errors.map((error, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a row can have several errors on one field
            <TR key={index}>
              <TD className="tabular-nums">{error.row}</TD>
              <TD>{columnOf(result, error.field) ?? error.field}</TD>
              <TD>
                {t('clientImport.errors.sentence', {
                  row: error.row,
                  column: columnOf(result, error.field) ?? error.field,
                  message: error.message,
                })}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {result.failed > result.errors.length ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          {t('clientImport.errors.more', { shown: result.errors.length })}
        </p>
      ) : null}
      <a href={importErrorsUrl(result.id)} download className={linkClasses}>
        {t('clientImport.errors.download')}
      </a>
    </div>
  )
}

function CheckResult({
  result,
  running,
  runError,
  onRun,
}: {
  result: ClientImport
  running: boolean
  runError: unknown
  onRun: () => void
}) {
  const { t } = useTranslation()
  const willChange = result.created + result.updated
  return (
    <Card title={t('clientImport.check.title')} description={t('clientImport.check.description')}>
      <div className="space-y-4" aria-live="polite">
        <Counts result={result} heading={t('clientImport.check.title')} />
        {result.failed > 0 ? (
          <Alert tone="warning">{t('clientImport.check.hasErrors', { count: result.failed })}</Alert>
        ) : (
          <Alert tone="success">{t('clientImport.check.noErrors')}</Alert>
        )}
        <RowErrors result={result} />
        <FormError message={runError ? errorMessage(runError, t) : null} />
        <Button onClick={onRun} loading={running} disabled={willChange === 0}>
          {t('clientImport.run.submit', { count: willChange })}
        </Button>
      </div>
    </Card>
  )
}

function ProgressStep({ initial, onRestart }: { initial: ClientImport; onRestart: () => void }) {
  const { t } = useTranslation()
  const labelId = useId()
  const done = (status: ClientImport['status']) => status === 'completed' || status === 'failed'
  const poll = useQuery({
    ...importQuery(initial.id),
    initialData: initial,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data && done(query.state.data.status) ? false : 1000),
  })
  const current = poll.data ?? initial
  const finished = done(current.status)
  useRefreshOnFinish(finished)
  const percent = current.totalRows ? Math.round((current.processedRows / current.totalRows) * 100) : 0

  return (
    <Card
      title={finished ? t('clientImport.summary.title') : t('clientImport.progress.title')}
      actions={
        finished ? (
          <Button variant="secondary" onClick={onRestart}>
            {t('clientImport.another')}
          </Button>
        ) : null
      }
    >
      <div className="space-y-4">
        <div className="space-y-1">
          <p id={labelId} className="text-sm" aria-live="polite">
            {t('clientImport.progress.rows', { processed: current.processedRows, count: current.totalRows })}
          </p>
          <div
            role="progressbar"
            aria-labelledby={labelId}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={finished ? 100 : percent}
            className="h-3 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
          >
            <div
              className="h-full rounded-full bg-indigo-700 transition-[width] dark:bg-indigo-300"
              style={{ width: `${finished ? 100 : percent}%` }}
            />
          </div>
        </div>
        {poll.error ? <Alert tone="error">{errorMessage(poll.error, t)}</Alert> : null}
        {current.status === 'failed' ? <Alert tone="error">{t('clientImport.summary.failed')}</Alert> : null}
        {current.status === 'completed' ? (
          <>
            <Alert tone={current.failed > 0 ? 'warning' : 'success'}>
              {t('clientImport.summary.completed', {
                created: current.created,
                updated: current.updated,
                skipped: current.skipped,
                failed: current.failed,
              })}
            </Alert>
            <Counts result={current} heading={t('clientImport.summary.title')} />
            <RowErrors result={current} />
            <Link to="/clients" className={buttonClasses()}>
              {t('clientImport.summary.viewClients')}
            </Link>
          </>
        ) : null}
      </div>
    </Card>
  )
}

/** Once the import has finished, the client lists (and tags, counts) are out of date. */
function useRefreshOnFinish(finished: boolean) {
  const queryClient = useQueryClient()
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: clientsKey })
  }, [finished, queryClient])
}
