import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { EnvironmentVariables } from '../config/env.schema';
import { dialectOf } from './dialect';
import { applySqlitePragmas } from './sqlite-pragmas';
import { migrations } from '../../migrations';

/**
 * The one description of the database, used by the app (TypeOrmModule), the TypeORM CLI, the seed and the tests.
 * Schema changes only through migrations; synchronize stays off.
 */
export function dataSourceOptions(env: Pick<EnvironmentVariables, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'SQLITE_PATH'>): DataSourceOptions {
  const common = { migrations, synchronize: false, migrationsRun: false, logging: false, entities: [] };
  if (dialectOf(env.DATABASE_URL) === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: env.DATABASE_URL,
      schema: env.DATABASE_SCHEMA,
      extra: { max: 10, options: env.DATABASE_SCHEMA ? `-c search_path=${env.DATABASE_SCHEMA}` : undefined },
    };
  }
  if (env.SQLITE_PATH !== ':memory:') mkdirSync(dirname(env.SQLITE_PATH), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: env.SQLITE_PATH,
    statementCacheSize: 500,
    timeout: 5000,
    prepareDatabase: applySqlitePragmas,
  };
}
