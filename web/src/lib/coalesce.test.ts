import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { coalescer } from './coalesce.ts'

describe('coalescer', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('runs the first call at once, a burst once at the end of the window, each key on its own', () => {
    const runs: string[] = []
    const call = coalescer<string[]>(
      (k) => runs.push(k.join('/')),
      400,
      (k) => JSON.stringify(k),
    )
    call(['messaging', 'conversations'])
    expect(runs).toEqual(['messaging/conversations'])
    for (let i = 0; i < 50; i++) call(['messaging', 'conversations'])
    call(['messaging', 'messages', 'c1'])
    expect(runs).toEqual(['messaging/conversations', 'messaging/messages/c1'])
    vi.advanceTimersByTime(400)
    expect(runs).toEqual(['messaging/conversations', 'messaging/messages/c1', 'messaging/conversations'])
    // Quiet for a whole window: the key is released, and the next call runs at once again.
    vi.advanceTimersByTime(400)
    call(['messaging', 'conversations'])
    expect(runs).toHaveLength(4)
    vi.advanceTimersByTime(1000)
    expect(runs).toHaveLength(4)
  })
})
