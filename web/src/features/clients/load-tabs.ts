// Loads every feature's `client-tabs.tsx`, each of which registers its tabs with `registerClientTab`.
// Kept apart from tabs.ts so that module is fully evaluated before any registration runs.
import.meta.glob('../*/client-tabs.tsx', { eager: true })
