import { filesPermissions } from '../../../../contracts/files.ts'
import { defineModule } from '../../kernel/module.ts'
import { storageMeter } from './meters.ts'
import { registerFileRoutes } from './routes.ts'

/**
 * Files under `/api/v1/files`: upload, metadata, download, signed links and delete, over the kernel's
 * storage piece (`kernel/storage`), which other modules use directly for their attachments.
 */
export default defineModule({
  name: 'files',
  permissions: filesPermissions,
  ids: { file: 'stored file' },
  routes: registerFileRoutes,
  meters: [storageMeter],
})

export { type FileRecordType, registerFileRecordType } from './record-types.ts'
