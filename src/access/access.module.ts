import { Module } from '@nestjs/common';
import { AuditDataModule } from '../audit/audit-data.module';
import { AuditModule } from '../audit/audit.module';
import { UsersDataModule } from '../auth/users-data.module';
import { RoiScopeModule } from '../release-of-information/roi-scope.module';
import { AccessPolicyService } from './access-policy.service';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';
import { BreakGlassController } from './break-glass.controller';
import { BreakGlassService } from './break-glass.service';
import { PrivacyFactsRepository } from './privacy-facts.repository';
import { RepresentativesController, RestrictionsController } from './representatives.controller';
import { RepresentativesService } from './representatives.service';
import { RestrictionsService } from './restrictions.service';
import { RecordsDataModule } from '../records/records-data.module';

@Module({
  imports: [AuditModule, AuditDataModule, RoiScopeModule, UsersDataModule, RecordsDataModule],
  controllers: [AccessController, BreakGlassController, RepresentativesController, RestrictionsController],
  providers: [AccessService, AccessPolicyService, BreakGlassService, PrivacyFactsRepository, RepresentativesService, RestrictionsService],
  exports: [AccessPolicyService],
})
export class AccessModule {}
