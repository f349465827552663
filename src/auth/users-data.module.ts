import { Module } from '@nestjs/common';
import { RecordsDataModule } from '../records/records-data.module';
import { UsersRepository } from './users.repository';

/**
 * The users table as other modules may read it, with no dependency but the database and the records module's own
 * database-only module (a user's linked patient record is asked of records, which owns patients). Audit, access,
 * records and reporting import it; none of them is imported back, so there is no cycle.
 */
@Module({ imports: [RecordsDataModule], providers: [UsersRepository], exports: [UsersRepository] })
export class UsersDataModule {}
