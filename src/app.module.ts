import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { requestIdOf } from './common/body-parsing';
import { CommonModule } from './common/common.module';
import { logFormat, logTransport } from './common/log-format';
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

/** Logs: structured, with the request id; never credentials, tokens, bodies or query strings (minimum necessary). */
const logging = LoggerModule.forRootAsync({
  useFactory: () => ({
    pinoHttp: {
      level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
      // The id assigned by assignRequestId (bootstrap), so logs, errors and audit rows share it.
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? requestIdOf(req.headers['x-request-id']),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]', '*.password', '*.text'],
        remove: true,
      },
      serializers: {
        // Query strings can carry names (patient search): log the path only.
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        // The status only: the response headers (the CSP alone is ~400 bytes) cost a copy and a redaction pass per
        // request and say nothing the request id does not (docs/performance.md).
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: () => ({ service: 'hit-records' }),
      // JSON lines, except pino-pretty for a person at a terminal in development (common/log-format.ts).
      transport: logTransport(logFormat(process.env, process.stdout.isTTY === true)),
    },
  }),
});

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
        ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment, ignoreEnvFile: true }), logging, ...FEATURES,
        ...(demoEnabled(process.env) ? [demo] : []),
      ],
    };
  }
}
