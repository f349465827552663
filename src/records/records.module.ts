import { Module } from '@nestjs/common';
import { AccessDataModule } from '../access/access-data.module';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit/audit.module';
import { UsersDataModule } from '../auth/users-data.module';
import { DisclosuresModule } from '../release-of-information/disclosures.module';
import { AmendmentDecisionsService } from './amendment-decisions.service';
import { AmendmentRoutingService } from './amendment-routing.service';
import { AmendmentStatementsService } from './amendment-statements.service';
import { AmendmentsController } from './amendments.controller';
import { AmendmentsService } from './amendments.service';
import { CareTeamService } from './care-team.service';
import { ChartAccess } from './chart-access';
import { CodingAbstractService } from './coding/coding-abstract.service';
import { CodingController } from './coding/coding.controller';
import { ProviderQueriesService } from './coding/provider-queries.service';
import { DeficienciesController } from './deficiencies/deficiencies.controller';
import { DeficienciesService } from './deficiencies/deficiencies.service';
import { NoteSigningService } from './note-signing.service';
import { ClinicalService } from './clinical.service';
import { EncountersController } from './encounters.controller';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { PatientsController } from './patients.controller';
import { PatientsService } from './patients.service';
import { RecordService } from './record.service';

@Module({
  imports: [AccessModule, AccessDataModule, AuditModule, DisclosuresModule, UsersDataModule],
  controllers: [PatientsController, EncountersController, MeController, AmendmentsController, CodingController, DeficienciesController],
  providers: [
    PatientsService, RecordService, CareTeamService, ClinicalService, MeService, AmendmentsService, AmendmentRoutingService, AmendmentDecisionsService, AmendmentStatementsService,
    ChartAccess, CodingAbstractService, ProviderQueriesService, DeficienciesService, NoteSigningService,
  ],
  exports: [RecordService],
})
export class RecordsModule {}
