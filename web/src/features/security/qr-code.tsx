import QRCode from 'qrcode'
import { useEffect, useState } from 'react'
import { Spinner } from '../../components/ui/index.ts'

export function QrCode({ value, label }: { value: string; label: string }) {
  const [src, setSrc] = useState<string>()
  useEffect(() => {
    let cancelled = false
    QRCode.toDataURL(value, { margin: 2, width: 200, errorCorrectionLevel: 'M' })
      .then((url) => {
        if (!cancelled) setSrc(url)
      })
      .catch(() => setSrc(undefined))
    return () => {
      cancelled = true
    }
  }, [value])
  if (!src) return <Spinner />
  return (
    <img
      src={src}
      alt={label}
      width={200}
      height={200}
      className="rounded-md border border-slate-300 bg-white"
    />
  )
}
