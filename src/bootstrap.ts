import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { assignRequestId, bodyParsers, noStore } from './common/body-parsing';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { ErrorDto } from './common/openapi/error.dto';
import { finishDocument } from './common/openapi/finish-document';
import { collectRouteFacts } from './common/openapi/route-facts';
import { AppConfig } from './config/app-config';
import { createValidationPipe } from './common/validation';
import { createLogger, PinoNestLogger, requestLog } from './common/logging';
import { securityHeaders } from './console';


const DEMO_USERS = [
  ['admin', 'admin'], ['dr.chen', 'physician'], ['dr.okafor', 'physician'], ['nurse.patel', 'nurse'],
  ['reg.lopez', 'registrar'], ['him.jones', 'him_technician'], ['coder.kim', 'coder'], ['roi.garcia', 'roi_specialist'],
  ['privacy.smith', 'privacy_officer'], ['analyst.wong', 'quality_analyst'], ['instructor', 'instructor'], ['patient.demo', 'patient'],
  ['parent.alvarez', 'representative (parent of a minor)'], ['poa.brooks', 'representative (health care power of attorney)'],
  ['executor.hale', 'representative (executor of a deceased patient\'s estate)'],
];

/** Middleware, pipes, filters and docs, the same for the server and for the e2e tests. */
export function configureApp(app: NestExpressApplication): void {
  // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (default: none).
  const trusted = app.get(AppConfig).get('TRUST_PROXY').split(',').map((s) => s.trim()).filter(Boolean);
  app.set('trust proxy', trusted.length ? trusted : false);
  app.disable('x-powered-by');
  // Answers carry PHI: no ETag (hashing every body costs CPU and invites caching) and no caching anywhere.
  app.set('etag', false);
  // Nest's messages and one line per request, through one pino logger (src/common/logging.ts).
  const logger = createLogger(process.env);
  app.useLogger(new PinoNestLogger(logger));
  app.use(requestLog(logger));
  app.use(noStore);
  app.use(assignRequestId);
  // Helmet's headers with a Content-Security-Policy: strict everywhere, relaxed for Swagger UI at /docs.
  app.use(securityHeaders);
  app.use(...bodyParsers);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  setupSwagger(app);
}

export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('HIT Records Workflow Service')
    .setDescription(
      [
        'A working model of the health-information side of a hospital, for teaching: records with role-based access,',
        'a tamper-evident privacy audit trail, outcome reports and release-of-information requests.',
        '',
        'Log in with `POST /auth/login`, then press **Authorize** and paste the `accessToken`.',
        'Every demo user has the password `hit-demo-2026` (refused when NODE_ENV=production):',
        '',
        '| username | role |',
        '|---|---|',
        ...DEMO_USERS.map(([u, r]) => `| \`${u}\` | ${r} |`),
        '',
        'Each operation names the permission it requires (`x-permission`). Record-level rules (care team, sensitivity,',
        'VIP, break-the-glass) are decided by the access policy: ask `GET /access/explain` why.',
      ].join('\n'),
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The server that serves this document: a local classroom run (npm start) or a production deployment behind TLS')
    .addBearerAuth({
      type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
      description: 'An access token from POST /auth/login: a JWT signed HS256 with a short lifetime (JWT_TTL), checked per RFC8725 (algorithm pinned, expiry required, revocation by token version).',
    })
    .build();
  // Built on the first request for /docs or /docs-json, not at boot: most runs never ask (docs/performance.md); then
  // finished from the routes' metadata (src/common/openapi/finish-document.ts).
  SwaggerModule.setup('docs', app, () => finishDocument(SwaggerModule.createDocument(app, config, { extraModels: [ErrorDto] }), collectRouteFacts(app)), { jsonDocumentUrl: 'docs-json' });
}

export async function createApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), { bufferLogs: true, bodyParser: false });
  configureApp(app);
  return app;
}
