import { PlansSection } from './plans-section.tsx'
import { WorkspacesSection } from './workspaces-section.tsx'
import './strings.ts'

/** `/operator`: the installation's plans and workspaces, for operators only. */
export function OperatorHome() {
  return (
    <div className="space-y-6">
      <PlansSection />
      <WorkspacesSection />
    </div>
  )
}
