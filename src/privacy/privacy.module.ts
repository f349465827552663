import { Module } from '@nestjs/common';
import { AccessDataModule } from '../access/access-data.module';
import { AuditDataModule } from '../audit/audit-data.module';
import { AuditModule } from '../audit/audit.module';
import { BreachIncidentsController } from './breach-incidents.controller';
import { BreachIncidentsService } from './breach-incidents.service';

/**
 * The privacy officer's breach incidents (docs/architecture.md, section 1): owns breach_incidents and
 * breach_notifications; reads break-the-glass grants (access) and the audit trail (audit) through their owners.
 */
@Module({
  imports: [AuditModule, AuditDataModule, AccessDataModule],
  controllers: [BreachIncidentsController],
  providers: [BreachIncidentsService],
})
export class PrivacyModule {}
