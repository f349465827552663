import { Module } from '@nestjs/common';
import { AccountingSuspensionsRepository } from './accounting-suspensions.repository';
import { ConfidentialCommunicationsRepository } from './confidential-communications.repository';
import { DisclosuresService } from './disclosures.service';

@Module({
  providers: [DisclosuresService, AccountingSuspensionsRepository, ConfidentialCommunicationsRepository],
  exports: [DisclosuresService, AccountingSuspensionsRepository, ConfidentialCommunicationsRepository],
})
export class DisclosuresModule {}
