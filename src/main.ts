import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { AppConfig } from './config/app-config';
import { ConfigurationError, usesDemoSecrets, validateEnvironment } from './config/env.schema';
import { Db } from './database/db';
import { isDatabaseEmpty } from '../seed/defaults';

async function main(): Promise<void> {
  // Fail fast, with one clear line, before anything else starts (a bad or demo secret in production).
  try {
    validateEnvironment(process.env);
  } catch (err) {
    if (err instanceof ConfigurationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const app = await createApp();
  const logger = new Logger('Main');
  const config = app.get(AppConfig);
  const demo = usesDemoSecrets(config.env);
  if (demo.length) logger.warn(`Using the public demo value of ${demo.join(' and ')}: fine for a classroom, never for real data`);

  const db = app.get(Db);
  if (config.get('SEED_ON_EMPTY') === 'true' && (await isDatabaseEmpty(db))) {
    logger.log('Empty database: seeding the demo data (200 patients, one user per role)');
    const { seedDatabase } = await import('../seed/generator');
    await seedDatabase(db, { patients: 200 });
  }
  const port = config.get('PORT');
  await app.listen(port);
  logger.log(`Listening on http://localhost:${port} (classroom console at /console, API docs at /docs, database: ${db.dialect})`);
}

void main();
