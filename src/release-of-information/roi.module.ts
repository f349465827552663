import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit/audit.module';
import { DisclosuresModule } from './disclosures.module';
import { AccessDenialService } from './access-denial.service';
import { AccountingController } from './accounting.controller';
import { ConfidentialCommunicationsController } from './confidential-communications.controller';
import { ConfidentialCommunicationsService } from './confidential-communications.service';
import { DenialReviewController } from './denial-review.controller';
import { DisclosureLogController } from './disclosure-log.controller';
import { DisclosureLogService } from './disclosure-log.service';
import { AccountingService } from './accounting.service';
import { RoiController } from './roi.controller';
import { parseRoiSettings, ROI_SETTINGS } from './roi-settings';
import { RoiDisclosureService } from './roi-disclosure.service';
import { RoiIntakeService } from './roi-intake.service';
import { RoiRequestsRepository } from './roi-request.repository';
import { RoiRequestView } from './roi-request.view';
import { RoiWorkflowService } from './roi-workflow.service';
import { UsersDataModule } from '../auth/users-data.module';
import { RecordsDataModule } from '../records/records-data.module';
import { ScopedRecordReader } from './scoped-record-reader';

const ROI_ENV = ['ROI_DUE_DAYS', 'ROI_SELF_FEE_METHOD', 'ROI_FEE_SCHEDULE', 'ROI_ACCOUNTING_FEE_CENTS'] as const;

/**
 * Release of information: requests, authorizations, the state machine, packages, fees and the accounting of
 * disclosures. DisclosuresModule keeps the accounting read that /me/disclosures uses.
 */
@Module({
  imports: [AccessModule, AuditModule, DisclosuresModule, UsersDataModule, RecordsDataModule],
  controllers: [RoiController, AccountingController, DenialReviewController, DisclosureLogController, ConfidentialCommunicationsController],
  providers: [
    RoiRequestsRepository,
    RoiRequestView,
    RoiIntakeService,
    RoiWorkflowService,
    RoiDisclosureService,
    AccessDenialService,
    AccountingService,
    DisclosureLogService,
    ConfidentialCommunicationsService,
    ScopedRecordReader,
    {
      provide: ROI_SETTINGS,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => parseRoiSettings(Object.fromEntries(ROI_ENV.map((k) => [k, config.get<string>(k)]))),
    },
  ],
})
export class ReleaseOfInformationModule {}
