// Keyboard shortcuts: parsing, matching and display. Small on purpose: it is part of the initial bundle.

/** One step of a shortcut, e.g. `mod+k` → { mod: true, key: 'k' }. */
export type KeyStep = { mod: boolean; shift: boolean; alt: boolean; key: string }

export function parseShortcut(shortcut: string): KeyStep[] {
  return shortcut
    .trim()
    .split(/\s+/)
    .map((step) => {
      const parts = step.split('+')
      const key = parts.pop()!.toLowerCase()
      return { mod: parts.includes('mod'), shift: parts.includes('shift'), alt: parts.includes('alt'), key }
    })
}

export const isApple = () => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)

/** Whether a key event is this step. Shift is ignored for symbols (`?` is Shift+/ on most layouts). */
export function matchesStep(event: KeyboardEvent, step: KeyStep, apple = isApple()): boolean {
  const mod = apple ? event.metaKey : event.ctrlKey
  const other = apple ? event.ctrlKey : event.metaKey
  if (mod !== step.mod || other || event.altKey !== step.alt) return false
  const key = event.key.toLowerCase()
  if (key !== step.key) return false
  return /^[a-z0-9]$/.test(key) ? event.shiftKey === step.shift : true
}

/** True when the key belongs to what the user is typing into, not to the app. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  const type = (target as HTMLInputElement).type
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type)
}

/** The keys of a shortcut as shown to people: `mod+k` → ['Ctrl', 'K'] (['⌘', 'K'] on Apple systems). */
export function displayShortcut(shortcut: string, apple = isApple()): string[][] {
  return parseShortcut(shortcut).map((step) => [
    ...(step.mod ? [apple ? '⌘' : 'Ctrl'] : []),
    ...(step.alt ? [apple ? '⌥' : 'Alt'] : []),
    ...(step.shift ? ['Shift'] : []),
    step.key.length === 1 ? step.key.toUpperCase() : step.key,
  ])
}
