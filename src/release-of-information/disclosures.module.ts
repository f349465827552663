import { Module } from '@nestjs/common';
import { AccountingSuspensionsRepository } from './accounting-suspensions.repository';
import { DisclosuresService } from './disclosures.service';

@Module({ providers: [DisclosuresService, AccountingSuspensionsRepository], exports: [DisclosuresService, AccountingSuspensionsRepository] })
export class DisclosuresModule {}
