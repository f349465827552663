import { Global, Module } from '@nestjs/common';
import { AccessPolicyService } from './access-policy.service';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';

@Global()
@Module({
  controllers: [AccessController],
  providers: [AccessService, AccessPolicyService],
  exports: [AccessPolicyService],
})
export class AccessModule {}
