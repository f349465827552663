import { Module } from '@nestjs/common';
import { AccessDataModule } from '../access/access-data.module';
import { AccessModule } from '../access/access.module';
import { AuditDataModule } from '../audit/audit-data.module';
import { AuditModule } from '../audit/audit.module';
import { UsersDataModule } from '../auth/users-data.module';
import { AuditSummaryReport } from './audit-summary/audit-summary.report';
import { OutcomeReleases } from './outcomes/outcome-releases';
import { OutcomesReport } from './outcomes/outcomes.report';
import { ReportRunsService } from './report-runs.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { RoiReport } from './roi/roi.report';

/**
 * Reports (issue 6): outcomes (readmission, length of stay, mortality, dispositions), the audit summary and the
 * release-of-information report, in JSON, CSV and SVG; stored, re-downloadable runs. Reads other modules' tables
 * only through aggregate SQL; the anomaly counts come from the audit module's AnomalyService.
 */
@Module({
  imports: [AccessModule, AccessDataModule, AuditModule, AuditDataModule, UsersDataModule],
  controllers: [ReportsController],
  providers: [ReportsService, ReportRunsService, OutcomesReport, OutcomeReleases, AuditSummaryReport, RoiReport],
})
export class ReportingModule {}
