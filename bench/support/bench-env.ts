/**
 * Imported first by the benchmarks, before anything from src/database: data-source.ts builds the CLI's
 * AppDataSource from process.env when it is loaded (and creates the directory of SQLITE_PATH). Point it at the
 * temp directory so loading it leaves nothing in the working tree, and keep a production environment from
 * refusing the demo HMAC key the benchmark uses. The benchmarks always run on SQLite.
 */
import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.SQLITE_PATH = join(tmpdir(), 'bench-unused.sqlite');
delete process.env.DATABASE_URL;
delete process.env.DATABASE_SCHEMA;
if (process.env.NODE_ENV === 'production') process.env.NODE_ENV = 'test';
