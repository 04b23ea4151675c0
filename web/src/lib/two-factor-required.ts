import { useSyncExternalStore } from 'react'
import { onApiError } from './api.ts'

let required = false
const listeners = new Set<() => void>()

function set(value: boolean): void {
  if (required === value) return
  required = value
  for (const listener of listeners) listener()
}

onApiError((error) => {
  if (error.isTwoFactorRequired) set(true)
})

export function clearTwoFactorRequired(): void {
  set(false)
}

export function useTwoFactorRequired(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    () => required,
    () => false,
  )
}
