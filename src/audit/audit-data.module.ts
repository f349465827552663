import { Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository';

/**
 * The audit trail as other modules may read it (login throttling, break-the-glass access counts, the audit
 * summary report, the demo), with no dependency but the database.
 */
@Module({ providers: [AuditEventsRepository], exports: [AuditEventsRepository] })
export class AuditDataModule {}
