import { Module } from '@nestjs/common';
import { CareTeamRepository, PatientsRepository } from './patients.repository';

/**
 * The records module's tables as other modules may read them (patients, care teams), with no dependency but the
 * database: the audit module's anomaly rules and access log, the users repository (a user's linked record) and the
 * demo read them here, and records itself depends on audit and auth.
 */
@Module({ providers: [PatientsRepository, CareTeamRepository], exports: [PatientsRepository, CareTeamRepository] })
export class RecordsDataModule {}
