import {
  DndContext,
  type DragEndEvent,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core'
import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Popover } from '../../components/grid/index.ts'
import { Button, cn, Select } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage } from '../../lib/errors.ts'
import { can, type Me } from '../auth/api.ts'
import {
  type Client,
  type ClientSearch,
  type ClientStatus,
  type CustomField,
  clientCountQuery,
  clientListQuery,
  clientStatuses,
  clientsApi,
  splitList,
  type UpdateClient,
} from './api.ts'
import { ClientLink, TagList } from './badges.tsx'
import { ClientsEmpty } from './clients-grid.tsx'

type Page = { data: Client[]; nextCursor: string | null }
type Lane = { value: string; label: string; search: ClientSearch }

/** The lanes of a board: one per status, or per option of a select custom field. */
function useLanes(
  search: ClientSearch,
  fields: CustomField[],
): { group: string; lanes: Lane[]; field?: CustomField } {
  const { t } = useTranslation()
  const field = search.group?.startsWith('cf.')
    ? fields.find((f) => `cf.${f.key}` === search.group)
    : undefined
  const group = field ? `cf.${field.key}` : 'status'
  const param = group as keyof ClientSearch
  const all = field ? field.options : [...clientStatuses]
  const filtered = splitList(search[param])
  const values = filtered.length ? all.filter((v) => filtered.includes(v)) : all
  const base: ClientSearch = { ...search, layout: undefined, group: undefined }
  return {
    group,
    field,
    lanes: values.map((value) => ({
      value,
      label: field ? value : t(`clients.status.${value as ClientStatus}`),
      search: { ...base, [param]: value },
    })),
  }
}

/** Clients as a board: cards move between lanes by drag and drop or with the "Move to…" menu. */
export function ClientsBoard({
  me,
  search,
  fields,
  onGroupChange,
}: {
  me: Me
  search: ClientSearch
  fields: CustomField[]
  onGroupChange: (group: string | undefined) => void
}) {
  const { t } = useTranslation()
  const { group, lanes, field } = useLanes(search, fields)
  const move = useMoveCard(lanes, field)
  const writable = can(me, 'clients:write')
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }))
  const onDragEnd = (event: DragEndEvent) => {
    const data = event.active.data.current as { client: Client; lane: string } | undefined
    const to = event.over?.id
    if (data && typeof to === 'string' && to !== data.lane) move(data.client, data.lane, to)
  }
  return (
    <div className="space-y-3">
      <Select
        containerClassName="w-full sm:w-64"
        label={t('clients.board.groupBy')}
        value={group}
        onChange={(e) => onGroupChange(e.target.value === 'status' ? undefined : e.target.value)}
      >
        <option value="status">{t('clients.fields.status')}</option>
        {fields
          .filter((f) => f.type === 'select')
          .map((f) => (
            <option key={f.id} value={`cf.${f.key}`}>
              {f.label}
            </option>
          ))}
      </Select>
      <DndContext
        sensors={sensors}
        onDragEnd={onDragEnd}
        accessibility={{
          announcements: {
            onDragStart: ({ active }) => t('clients.board.picked', { name: nameOf(active.data.current) }),
            onDragOver: ({ active, over }) =>
              over
                ? t('clients.board.over', {
                    name: nameOf(active.data.current),
                    lane: laneLabel(lanes, over.id),
                  })
                : '',
            onDragEnd: ({ active, over }) =>
              over
                ? t('clients.board.dropped', {
                    name: nameOf(active.data.current),
                    lane: laneLabel(lanes, over.id),
                  })
                : '',
            onDragCancel: ({ active }) => t('clients.board.cancelled', { name: nameOf(active.data.current) }),
          },
        }}
      >
        <div className="flex gap-3 overflow-x-auto pb-2">
          {lanes.map((lane) => (
            <BoardLane key={lane.value} me={me} lane={lane} lanes={lanes} writable={writable} onMove={move} />
          ))}
        </div>
      </DndContext>
      {lanes.length === 0 ? <ClientsEmpty me={me} search={search} /> : null}
    </div>
  )
}

const nameOf = (data: unknown) => (data as { client?: Client } | undefined)?.client?.name ?? ''
const laneLabel = (lanes: Lane[], id: string | number) =>
  lanes.find((l) => l.value === id)?.label ?? String(id)

function BoardLane({
  me,
  lane,
  lanes,
  writable,
  onMove,
}: {
  me: Me
  lane: Lane
  lanes: Lane[]
  writable: boolean
  onMove: (client: Client, from: string, to: string) => void
}) {
  const { t } = useTranslation()
  const list = useInfiniteQuery(clientListQuery(lane.search))
  const count = useQuery(clientCountQuery(lane.search))
  const { setNodeRef, isOver } = useDroppable({ id: lane.value })
  const cards = list.data?.pages.flatMap((page) => page.data) ?? []
  const headingId = `lane-${lane.value.replace(/\W/g, '-')}`
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      data-lane={lane.value}
      className={cn(
        'flex w-72 shrink-0 flex-col rounded-lg border border-slate-200 bg-slate-50 p-2 dark:border-slate-700 dark:bg-slate-950',
        isOver && 'ring-2 ring-indigo-500',
      )}
    >
      <h2 id={headingId} className="flex items-center justify-between px-1 pb-2 text-sm font-semibold">
        {lane.label}
        <span className="text-xs font-normal text-slate-600 dark:text-slate-300">
          {count.data?.count ?? ''}
        </span>
      </h2>
      {list.isPending ? (
        <div aria-hidden="true" className="space-y-2">
          {[0, 1, 2].map((i) => (
            <div
              key={i}
              className="h-16 animate-pulse rounded-md bg-slate-200 motion-reduce:animate-none dark:bg-slate-800"
            />
          ))}
        </div>
      ) : (
        <ul className="min-h-16 space-y-2">
          {cards.map((client) => (
            <BoardCard
              key={client.id}
              client={client}
              lane={lane}
              lanes={lanes}
              writable={writable}
              onMove={onMove}
            />
          ))}
        </ul>
      )}
      {list.hasNextPage ? (
        <Button
          variant="ghost"
          className="mt-2"
          loading={list.isFetchingNextPage}
          onClick={() => list.fetchNextPage()}
        >
          {t('grid.loadMore')}
        </Button>
      ) : null}
      {me && cards.length === 0 && !list.isPending ? (
        <p className="px-1 py-4 text-center text-xs text-slate-600 dark:text-slate-300">
          {t('clients.board.emptyLane')}
        </p>
      ) : null}
    </section>
  )
}

function BoardCard({
  client,
  lane,
  lanes,
  writable,
  onMove,
}: {
  client: Client
  lane: Lane
  lanes: Lane[]
  writable: boolean
  onMove: (client: Client, from: string, to: string) => void
}) {
  const { t } = useTranslation()
  const { setNodeRef, listeners, transform, isDragging } = useDraggable({
    id: client.id,
    data: { client, lane: lane.value },
    disabled: !writable,
  })
  return (
    <li
      ref={setNodeRef}
      {...listeners}
      data-card={client.id}
      style={transform ? { transform: `translate(${transform.x}px, ${transform.y}px)` } : undefined}
      className={cn(
        'space-y-1 rounded-md border border-slate-200 bg-white p-2 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-900',
        writable && 'cursor-grab touch-none',
        isDragging && 'relative z-50 shadow-lg',
      )}
    >
      <div className="flex items-start justify-between gap-2">
        <ClientLink client={client} />
        {writable ? (
          <Popover
            label={
              <span className="text-xs">
                {t('clients.board.moveTo')}
                <span className="sr-only"> {client.name}</span>
              </span>
            }
            className="right-0 w-48"
            buttonClassName="px-2 py-1 text-xs"
          >
            {(close) => (
              <ul aria-label={t('clients.board.moveNamed', { name: client.name })} className="space-y-0.5">
                {lanes
                  .filter((l) => l.value !== lane.value)
                  .map((target, index) => (
                    <li key={target.value}>
                      <button
                        type="button"
                        // biome-ignore lint/a11y/noAutofocus: focus moves into the menu the user just opened
                        autoFocus={index === 0}
                        className="w-full rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                        onClick={() => {
                          close()
                          onMove(client, lane.value, target.value)
                        }}
                      >
                        {target.label}
                      </button>
                    </li>
                  ))}
              </ul>
            )}
          </Popover>
        ) : null}
      </div>
      {client.owner ? (
        <p className="text-xs text-slate-600 dark:text-slate-300">{client.owner.name}</p>
      ) : null}
      <TagList tags={client.tags} />
    </li>
  )
}

/** Moves a card: the lanes change at once, roll back on error, and a toast offers Undo. */
function useMoveCard(lanes: Lane[], field: CustomField | undefined) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const keyOf = (value: string) =>
    clientListQuery(lanes.find((l) => l.value === value)?.search ?? {}).queryKey
  const inputFor = (client: Client, value: string): { input: UpdateClient; shown: Partial<Client> } =>
    field
      ? {
          input: { custom: { ...client.custom, [field.key]: value } },
          shown: { custom: { ...client.custom, [field.key]: value } },
        }
      : { input: { status: value as ClientStatus }, shown: { status: value as ClientStatus } }
  const mutation = useMutation({
    mutationFn: ({ client, to }: { client: Client; from: string; to: string; undo?: boolean }) =>
      clientsApi.update({ clientId: client.id, input: inputFor(client, to).input }),
    onMutate: async ({ client, from, to }) => {
      await queryClient.cancelQueries({ queryKey: ['clients', 'list'] })
      const source = queryClient.getQueryData<InfiniteData<Page>>(keyOf(from))
      const target = queryClient.getQueryData<InfiniteData<Page>>(keyOf(to))
      const moved = { ...client, ...inputFor(client, to).shown }
      if (source)
        queryClient.setQueryData<InfiniteData<Page>>(keyOf(from), {
          ...source,
          pages: source.pages.map((p) => ({ ...p, data: p.data.filter((c) => c.id !== client.id) })),
        })
      if (target)
        queryClient.setQueryData<InfiniteData<Page>>(keyOf(to), {
          ...target,
          pages: target.pages.map((p, i) => (i === 0 ? { ...p, data: [moved, ...p.data] } : p)),
        })
      return { source, target }
    },
    onError: (error, { client, from, to }, context) => {
      if (context?.source) queryClient.setQueryData(keyOf(from), context.source)
      if (context?.target) queryClient.setQueryData(keyOf(to), context.target)
      showToast({
        tone: 'error',
        message: t('clients.grid.editFailed', { name: client.name, error: errorMessage(error, t) }),
      })
    },
    onSuccess: (saved, { from, to, undo }) => {
      if (undo) return showToast({ message: t('clients.grid.undone', { name: saved.name }) })
      showToast({
        message: t('clients.board.moved', { name: saved.name, lane: laneLabel(lanes, to) }),
        action: {
          label: t('clients.grid.undo'),
          onClick: () => mutation.mutate({ client: saved, from: to, to: from, undo: true }),
        },
      })
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['clients'] }),
  })
  return (client: Client, from: string, to: string) => mutation.mutate({ client, from, to })
}
