import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { DashboardLayout, DashboardWidgetPlacement } from '../../../../contracts/preferences.ts'
import { api } from '../../lib/api.ts'
import type { Widget } from '../../lib/registry/widgets.ts'

export type PlacedWidget = { widget: Widget; hidden: boolean }

export const dashboardLayoutQuery = queryOptions({
  queryKey: ['preferences', 'dashboard'],
  queryFn: ({ signal }) => api.get<DashboardLayout>('/api/v1/me/preferences/dashboard', signal),
})

/**
 * The member's widgets in their order: the saved ones first (unknown ids skipped), then every other
 * available widget at its default place and visibility.
 */
export function placeWidgets(
  available: readonly Widget[],
  saved: DashboardWidgetPlacement[],
): PlacedWidget[] {
  const byId = new Map(available.map((w) => [w.id, w]))
  const placed: PlacedWidget[] = []
  for (const entry of saved) {
    const widget = byId.get(entry.id)
    if (!widget) continue
    byId.delete(entry.id)
    placed.push({ widget, hidden: entry.hidden })
  }
  for (const widget of byId.values()) placed.push({ widget, hidden: widget.hiddenByDefault ?? false })
  return placed
}

export function toPlacements(placed: PlacedWidget[]): DashboardWidgetPlacement[] {
  return placed.map(({ widget, hidden }) => ({ id: widget.id, hidden }))
}

/** Saves the layout; the page shows the new order at once and goes back if the server refuses it. */
export function useSaveLayout() {
  const queryClient = useQueryClient()
  const mutation = useMutation({
    mutationFn: (vars: { widgets: DashboardWidgetPlacement[]; previous: DashboardLayout | undefined }) =>
      api.put<DashboardLayout>('/api/v1/me/preferences/dashboard', { widgets: vars.widgets }),
    onError: (_error, vars) => {
      if (vars.previous) queryClient.setQueryData(dashboardLayoutQuery.queryKey, vars.previous)
    },
    onSuccess: (layout) => queryClient.setQueryData(dashboardLayoutQuery.queryKey, layout),
  })
  return {
    error: mutation.error,
    /** Shows the new layout at once (a checkbox reflects its click), then saves it. */
    mutate(widgets: DashboardWidgetPlacement[]) {
      const previous = queryClient.getQueryData(dashboardLayoutQuery.queryKey)
      void queryClient.cancelQueries(dashboardLayoutQuery)
      queryClient.setQueryData(dashboardLayoutQuery.queryKey, {
        widgets,
        updatedAt: previous?.updatedAt ?? null,
      })
      mutation.mutate({ widgets, previous })
    },
  }
}

export function useDashboardLayout() {
  return useQuery(dashboardLayoutQuery)
}
