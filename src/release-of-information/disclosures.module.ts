import { Global, Module } from '@nestjs/common';
import { DisclosuresService } from './disclosures.service';

@Global()
@Module({ providers: [DisclosuresService], exports: [DisclosuresService] })
export class DisclosuresModule {}
