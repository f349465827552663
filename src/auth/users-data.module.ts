import { Module } from '@nestjs/common';
import { UsersRepository } from './users.repository';

/** The users table as other modules may read it, with no dependency but the database (audit imports it). */
@Module({ providers: [UsersRepository], exports: [UsersRepository] })
export class UsersDataModule {}
