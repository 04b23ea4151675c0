// The client page's built-in tabs, registered like any other feature's (see tabs.ts).
import { ActivityTab } from './activity-tab.tsx'
import { ContactsTab } from './contacts-tab.tsx'
import { NotesTab } from './notes-tab.tsx'
import { OverviewTab } from './overview-tab.tsx'
import { registerClientTab } from './tabs.ts'

registerClientTab({ id: 'overview', labelKey: 'clients.tabs.overview', order: 10, component: OverviewTab })
registerClientTab({ id: 'contacts', labelKey: 'clients.tabs.contacts', order: 20, component: ContactsTab })
registerClientTab({ id: 'notes', labelKey: 'clients.tabs.notes', order: 30, component: NotesTab })
registerClientTab({ id: 'activity', labelKey: 'clients.tabs.activity', order: 40, component: ActivityTab })
