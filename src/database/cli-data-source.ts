import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnvironment } from '../config/env.schema';
import { dataSourceOptions } from './data-source';

/** The same DataSource for the TypeORM CLI (`npm run migration:run`, `migration:revert`, `migration:generate`). */
export default new DataSource(dataSourceOptions(validateEnvironment(process.env)));
