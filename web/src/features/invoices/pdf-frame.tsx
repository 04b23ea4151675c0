import { useEffect, useRef, useState } from 'react'

/**
 * The document's PDF as the server renders it, in a same-origin frame (only the PDF routes may be
 * framed, and only by the app). Loaded lazily: on phones it sits below the fold. A new `version`
 * reloads it (the PDF is served `no-store`); reloads asked for in quick succession are folded into one.
 */
export function PdfFrame({ url, title, version = 0 }: { url: string; title: string; version?: number }) {
  const [shown, setShown] = useState(version)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => {
    if (version === shown) return
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setShown(version), 600)
    return () => clearTimeout(timer.current)
  }, [version, shown])
  return (
    <iframe
      key={shown}
      src={url}
      title={title}
      loading="lazy"
      className="h-[36rem] w-full rounded-lg border border-slate-200 bg-white dark:border-slate-700"
    />
  )
}
