import { useWindowVirtualizer } from '@tanstack/react-virtual'
import { type Dispatch, useLayoutEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../../components/ui/index.ts'
import type { TaxRate } from './api.ts'
import type { EditorAction, LineDraft } from './editor-state.ts'
import { type LineErrors, LineRow } from './line-row.tsx'

/** Above this many lines only the rows in view are in the DOM. */
const virtualizeFrom = 40

/** A document's lines as typed (invoices, quotes, recurring invoices), with "Add line". */
export function LinesTable(props: LinesProps) {
  const { t } = useTranslation()
  const dispatch = props.dispatch
  return (
    <>
      <div
        aria-hidden="true"
        className="hidden grid-cols-12 gap-2 border-b border-slate-300 pr-[6.5rem] pb-1 text-xs font-semibold text-slate-700 md:grid dark:border-slate-600 dark:text-slate-200"
      >
        <span className="col-span-3 pl-8">{t('invoices.editor.description')}</span>
        <span className="col-span-1 text-right">{t('invoices.editor.quantity')}</span>
        <span className="col-span-1">{t('invoices.editor.unit')}</span>
        <span className="col-span-2 text-right">{t('invoices.editor.unitPrice')}</span>
        <span className="col-span-2">{t('invoices.editor.lineDiscount')}</span>
        <span className="col-span-2">{t('invoices.editor.taxes')}</span>
        <span className="col-span-1 text-right">{t('invoices.editor.lineAmount')}</span>
      </div>
      <Lines
        lines={props.lines}
        currency={props.currency}
        rates={props.rates}
        errors={props.errors}
        amounts={props.amounts}
        dispatch={props.dispatch}
      />
      <Button variant="secondary" onClick={() => dispatch({ type: 'add' })}>
        {t('invoices.editor.addLine')}
      </Button>
    </>
  )
}

type LinesProps = {
  lines: LineDraft[]
  currency: string
  rates: TaxRate[]
  errors: LineErrors[]
  amounts: { amount: number; lineDiscount: number }[] | undefined
  dispatch: Dispatch<EditorAction>
}

function Lines(props: LinesProps) {
  if (props.lines.length >= virtualizeFrom) return <VirtualLines {...props} />
  return (
    <div>
      {props.lines.map((line, index) => (
        <Row key={line.key} {...props} line={line} index={index} />
      ))}
    </div>
  )
}

function Row({
  line,
  index,
  lines,
  currency,
  rates,
  errors,
  amounts,
  dispatch,
}: LinesProps & { line: LineDraft; index: number }) {
  const figures = amounts?.[index]
  return (
    <LineRow
      line={line}
      index={index}
      last={index === lines.length - 1}
      currency={currency}
      rates={rates}
      errors={errors[index]}
      amount={figures ? figures.amount - figures.lineDiscount : null}
      dispatch={dispatch}
    />
  )
}

/** Long invoices: rows are measured as they render and only those near the viewport are mounted. */
function VirtualLines(props: LinesProps) {
  const list = useRef<HTMLDivElement>(null)
  const [margin, setMargin] = useState(0)
  // Where the list starts in the page, for the virtualizer to know which rows the window shows.
  useLayoutEffect(() => {
    const top = (list.current?.getBoundingClientRect().top ?? 0) + window.scrollY
    if (Math.abs(top - margin) > 1) setMargin(top)
  })
  const virtualizer = useWindowVirtualizer({
    count: props.lines.length,
    estimateSize: () => 58,
    overscan: 8,
    scrollMargin: margin,
    getItemKey: (index) => props.lines[index]?.key ?? index,
  })
  return (
    <div ref={list} className="relative" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((item) => {
        const line = props.lines[item.index] as LineDraft
        return (
          <div
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            className="absolute top-0 left-0 w-full"
            style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
          >
            <Row {...props} line={line} index={item.index} />
          </div>
        )
      })}
    </div>
  )
}
