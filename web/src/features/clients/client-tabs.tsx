// The client page's built-in tabs, registered like any other feature's (see tabs.ts).
import { ContactsTab } from './contacts-tab.tsx'
import { registerClientTab } from './tabs.ts'
import { TimelineTab } from './timeline-tab.tsx'

registerClientTab({ id: 'timeline', labelKey: 'timeline.title', order: 10, component: TimelineTab })
registerClientTab({ id: 'contacts', labelKey: 'clients.tabs.contacts', order: 20, component: ContactsTab })
