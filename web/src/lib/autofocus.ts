import { options, type Ref, type VNode } from 'preact'

/**
 * `autoFocus` as React does it: the element takes focus when it is inserted, also long after the page
 * loaded (a menu or an editor that opens). The DOM's `autofocus` attribute only acts on page load, so
 * the prop becomes a ref that focuses each element once, the first time it is attached.
 */
const focused = new WeakSet<Element>()

function apply<T>(ref: Ref<T> | null | undefined, value: T | null) {
  if (typeof ref === 'function') ref(value)
  else if (ref) ref.current = value
}

const previous = options.vnode
options.vnode = (vnode: VNode<{ autoFocus?: boolean }>) => {
  if (typeof vnode.type === 'string' && vnode.props && 'autoFocus' in vnode.props) {
    const wanted = vnode.props.autoFocus
    delete vnode.props.autoFocus
    if (wanted) {
      const own = vnode.ref as Ref<Element> | null | undefined
      vnode.ref = (element: Element | null) => {
        if (element instanceof HTMLElement && !focused.has(element)) {
          focused.add(element)
          element.focus()
        }
        apply(own, element)
      }
    }
  }
  previous?.(vnode)
}
