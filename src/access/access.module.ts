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

@Module({
  imports: [AuditModule, AuditDataModule, RoiScopeModule, UsersDataModule],
  controllers: [AccessController, BreakGlassController],
  providers: [AccessService, AccessPolicyService, BreakGlassService],
  exports: [AccessPolicyService],
})
export class AccessModule {}
