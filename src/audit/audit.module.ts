import { Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AccessDataModule } from '../access/access-data.module';
import { UsersDataModule } from '../auth/users-data.module';
import { AppConfig } from '../config/app-config';
import { RecordsDataModule } from '../records/records-data.module';
import { AuditDataModule } from './audit-data.module';
import { AnomalyService } from './anomalies/anomaly.service';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditArchive } from './audit-archive';
import { AuditVerifier } from './audit-verifier';
import { AuditController } from './audit.controller';
import { AuditWriter } from './audit.writer';
import { PatientAccessLogService } from './patient-access-log.service';

@Module({
  // Users, patients, care teams and grants are read through their owners (docs/architecture.md, section 2).
  imports: [AuditDataModule, UsersDataModule, RecordsDataModule, AccessDataModule],
  controllers: [AuditController],
  providers: [AuditArchive, AuditWriter, AuditVerifier, AuditQueryService, AuditExportService, AnomalyService, PatientAccessLogService],
  exports: [AuditArchive, AuditWriter, AuditVerifier, AuditQueryService, AnomalyService],
})
export class AuditModule implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly writer: AuditWriter,
    private readonly config: AppConfig,
  ) {}

  /** Checkpoint the chain head on a schedule, so a cut tail is caught even without the live head. */
  onModuleInit(): void {
    const seconds = this.config.get('AUDIT_CHECKPOINT_SECONDS');
    if (seconds > 0) {
      this.timer = setInterval(() => void this.writer.checkpoint().catch(() => undefined), seconds * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
