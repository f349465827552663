import { Module } from '@nestjs/common';
import { AccessDataModule } from '../access/access-data.module';
import { RecordsDataModule } from '../records/records-data.module';
import { UsersRepository } from './users.repository';

/**
 * The users table as other modules may read it, with no dependency but the database and the database-only modules
 * of records (a user's linked patient record) and access (a role's permissions). Audit, access, records, reporting
 * and the demo import it; no data module imports a feature module, so there is no cycle.
 */
@Module({ imports: [RecordsDataModule, AccessDataModule], providers: [UsersRepository], exports: [UsersRepository] })
export class UsersDataModule {}
