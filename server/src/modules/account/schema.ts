import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../kernel/auth/schema.ts'

/** What a user prefers, beside their identity (which Better Auth keeps in `users`). Not tenant data. */
export const userProfiles = pgTable('user_profiles', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** An IANA time zone such as Europe/Berlin; null follows the browser. */
  timeZone: text('time_zone'),
  /** A language tag such as en or pt-BR; null follows the browser. */
  language: text('language'),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
})
