import { useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Button } from '../../components/ui/index.ts'
import { commands } from '../../lib/registry/commands.ts'
import type { WidgetProps } from '../../lib/registry/widgets.ts'
import { canSee } from '../auth/api.ts'

/** The dashboard's "quick actions": the registered commands marked as quick actions, as buttons. */
export default function QuickActionsWidget({ me }: WidgetProps) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const actions = commands.use().filter((c) => c.quickAction && !c.items && canSee(me, c))
  return (
    <div className="flex flex-wrap gap-2">
      {actions.map((command) => (
        <Button
          key={command.id}
          variant="secondary"
          onClick={() => void command.run({ me, navigate, queryClient, t })}
        >
          {t(command.labelKey)}
        </Button>
      ))}
    </div>
  )
}
