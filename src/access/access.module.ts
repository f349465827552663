import { Global, Module } from '@nestjs/common';
import { AccessPolicyService } from './access-policy.service';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';
import { BreakGlassController } from './break-glass.controller';
import { BreakGlassService } from './break-glass.service';

@Global()
@Module({
  controllers: [AccessController, BreakGlassController],
  providers: [AccessService, AccessPolicyService, BreakGlassService],
  exports: [AccessPolicyService],
})
export class AccessModule {}
