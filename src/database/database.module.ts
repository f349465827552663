import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { Db } from './db';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.env), migrationsRun: true }),
    }),
  ],
  providers: [{ provide: Db, useFactory: (ds: DataSource) => new Db(ds), inject: [DataSource] }],
  exports: [Db],
})
export class DatabaseModule {}
