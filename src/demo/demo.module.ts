import { DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditDataModule } from '../audit/audit-data.module';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { RecordsDataModule } from '../records/records-data.module';
import { DemoController } from './demo.controller';
import { DEMO_SEEDER, DemoSeeder } from './demo-seeder';
import { DemoService } from './demo.service';

@Module({
  imports: [AuthModule, AccessModule, AuditModule, AuditDataModule, RecordsDataModule],
  controllers: [DemoController],
  providers: [DemoService],
})
export class DemoModule {
  /** The demo with the seeder its reset uses (provided by the composition root, app.module.ts). */
  static withSeeder(seeder: DemoSeeder): DynamicModule {
    return { module: DemoModule, providers: [{ provide: DEMO_SEEDER, useValue: seeder }] };
  }
}
