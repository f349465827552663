import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { PageDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { CareTeamService } from './care-team.service';
import { ClinicalService } from './clinical.service';
import { CareTeamMemberDto, CreateEncounterDto } from './dto/clinical.dto';
import { CreatePatientDto, DemographicsDto, PatientHitDto, PatientSearchDto, UpdatePatientDto } from './dto/patient.dto';
import { CareTeamAddedDto, CareTeamEntryDto, CareTeamRemovedDto, EncounterDto, RecordDto } from './dto/record.dto';
import { PatientsService } from './patients.service';
import { RecordService } from './record.service';
import { VIEW_DOC } from '../access/record-views';

/** Everything that reads a chart, whatever the view: the policy then decides per patient and per item. */
export const RECORD_READERS = ['clinical:read', 'coding:read', 'demographics:read', 'record:him', 'self:record'] as const;

@ApiTags('records')
@Controller('patients')
export class PatientsController {
  constructor(
    private readonly patients: PatientsService,
    private readonly record: RecordService,
    private readonly careTeam: CareTeamService,
    private readonly clinical: ClinicalService,
  ) {}

  @Authorize('patient:search')
  @Get()
  @ApiOperation({ summary: 'Search demographics by name prefix, MRN or birth date (audited with the number of results)' })
  @ApiOkResponse({ type: PageDto(PatientHitDto) })
  search(@Ctx() ctx: RequestContext, @Query() q: PatientSearchDto) {
    return this.patients.search(ctx, q);
  }

  @Authorize('demographics:write')
  @Post()
  @ApiOperation({ summary: 'Register a patient' })
  @ApiCreatedResponse({ type: DemographicsDto })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreatePatientDto) {
    return this.patients.create(ctx, dto);
  }

  @Authorize('demographics:read')
  @Get(':id')
  @ApiOperation({ summary: 'Demographics of one patient' })
  @ApiOkResponse({ type: DemographicsDto })
  read(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.patients.read(ctx, id);
  }

  @Authorize('demographics:write')
  @Patch(':id')
  @ApiOperation({ summary: 'Update demographics (send the version you read; 409 if stale)' })
  @ApiOkResponse({ type: DemographicsDto })
  update(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: UpdatePatientDto) {
    return this.patients.update(ctx, id, dto);
  }

  @AuthorizeAny(...RECORD_READERS)
  @Get(':id/record')
  @ApiOperation({
    summary: 'The designated record set, shaped for the caller (minimum necessary)',
    description: `What each role receives; a section a role may not see is absent. Items withheld by the item-visibility rule are absent; \`withheld\` lists the rules that may leave items out (the same for every chart).\n\n${VIEW_DOC}`,
  })
  @ApiOkResponse({ type: RecordDto })
  readRecord(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.record.read(ctx, id);
  }

  @AuthorizeAny('careteam:manage', 'clinical:read')
  @Get(':id/care-team')
  @ApiOperation({ summary: 'Care-team members of a patient' })
  @ApiOkResponse({ type: [CareTeamEntryDto] })
  careTeamList(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.careTeam.list(ctx, id);
  }

  @Authorize('careteam:manage')
  @Post(':id/care-team')
  @ApiOperation({ summary: 'Add a physician or nurse to the care team (opens the chart to them)' })
  @ApiCreatedResponse({ type: CareTeamAddedDto })
  careTeamAdd(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CareTeamMemberDto) {
    return this.careTeam.add(ctx, id, dto.userId, dto.teamRole);
  }

  @Authorize('careteam:manage')
  @Delete(':id/care-team/:userId')
  @ApiOperation({ summary: 'Remove a care-team member (kept in the audit trail)' })
  @ApiOkResponse({ type: CareTeamRemovedDto })
  careTeamRemove(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Param('userId', IdPipe) userId: number) {
    return this.careTeam.remove(ctx, id, userId);
  }

  @AuthorizeAny('clinical:read', 'coding:read', 'record:him', 'self:record')
  @Get(':id/encounters')
  @ApiOperation({ summary: 'Encounters of a patient' })
  @ApiOkResponse({ type: [EncounterDto] })
  encounters(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.clinical.listEncounters(ctx, id);
  }

  @Authorize('clinical:write')
  @Post(':id/encounters')
  @ApiOperation({ summary: 'Admit / open an encounter' })
  @ApiCreatedResponse({ type: EncounterDto })
  createEncounter(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateEncounterDto) {
    return this.clinical.createEncounter(ctx, id, dto);
  }
}
