import { lazy, Suspense } from 'react'
import { linkClasses } from '../../components/ui/link.ts'

const proseClasses = [
  'space-y-3 text-sm leading-relaxed break-words',
  '[&_h1]:text-xl [&_h1]:font-semibold [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:font-semibold',
  '[&_ul]:list-disc [&_ul]:pl-6 [&_ol]:list-decimal [&_ol]:pl-6',
  '[&_blockquote]:border-l-4 [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 [&_blockquote]:text-slate-700',
  'dark:[&_blockquote]:border-slate-600 dark:[&_blockquote]:text-slate-300',
  '[&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-xs dark:[&_code]:bg-slate-800',
  '[&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-3 dark:[&_pre]:bg-slate-800',
].join(' ')

// react-markdown and its parser load with the first note shown, not with the page.
const Markdown = lazy(() => import('react-markdown'))

/**
 * Renders user-written Markdown. Raw HTML is dropped (`skipHtml`) and react-markdown's default URL
 * transform removes `javascript:` and other unsafe link targets, so notes cannot inject markup or script.
 */
export function MarkdownView({ source }: { source: string }) {
  return (
    <div className={proseClasses}>
      <Suspense fallback={<p className="whitespace-pre-wrap">{source}</p>}>
        <Markdown
          skipHtml
          components={{
            a: ({ href, children }) => (
              <a href={href} className={linkClasses} target="_blank" rel="noopener noreferrer nofollow">
                {children}
              </a>
            ),
            img: ({ alt }) => <span>{alt}</span>,
          }}
        >
          {source}
        </Markdown>
      </Suspense>
    </div>
  )
}
