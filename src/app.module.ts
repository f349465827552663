import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import { validateEnvironment } from './config/env.schema';
import { DatabaseModule } from './database/database.module';
import { DEFAULT_SEED, DEFAULT_SEED_NOW } from '../seed/defaults';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { PrivacyModule } from './privacy/privacy.module';
import { RecordsModule } from './records/records.module';
import { DisclosuresModule } from './release-of-information/disclosures.module';
import { ReleaseOfInformationModule } from './release-of-information/roi.module';
import { ReportingModule } from './reporting/reporting.module';

const FEATURES = [CommonModule, DatabaseModule, AuditModule, AuthModule, AccessModule, HealthModule, DisclosuresModule, RecordsModule, ReleaseOfInformationModule, ReportingModule, PrivacyModule, ConsoleModule];

/** The demo reset seeds again with the seed generator (a tool beside the app, so it is wired here). */
const demo = DemoModule.withSeeder({
  // Loaded on the first reset only: the generator and its data library are not part of the idle process.
  reseed: async (db, patients) => {
    const { seedDatabase } = await import('../seed/generator');
    await seedDatabase(db, { patients, reset: true });
  },
  seed: DEFAULT_SEED,
  seedNow: DEFAULT_SEED_NOW,
});

/** The demo endpoints exist only outside production, and only while DEMO_ENABLED is not false: otherwise 404. */
export function demoEnabled(env: Record<string, string | undefined>): boolean {
  return env.NODE_ENV !== 'production' && env.DEMO_ENABLED !== 'false';
}

/**
 * A dynamic module, so the environment is read and validated when an app is created (each e2e suite creates
 * its own, on its own database), not once when this file is imported.
 */
@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment, ignoreEnvFile: true }), ...FEATURES,
        ...(demoEnabled(process.env) ? [demo] : []),
      ],
    };
  }
}
