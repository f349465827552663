import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthorizeAny, Authorize } from '../auth/decorators';
import { EnumPipe, IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { ITEM_TYPES, ItemType } from './clinical-items';
import { ClinicalService, WRITE_PERMISSIONS } from './clinical.service';
import {
  CreateDiagnosisDto, CreateNoteDto, CreateObservationDto, CreateProcedureDto, EnteredInErrorDto, UpdateEncounterDto,
} from './dto/clinical.dto';
import {
  CLINICAL_ITEM_MODELS, CLINICAL_ITEM_SCHEMA, DiagnosisDto, DiagnosisListDto, EncounterDto, NoteDto, NoteListDto, ObservationDto, ObservationListDto,
  ProcedureDto, ProcedureListDto,
} from './dto/record.dto';

const READERS = ['clinical:read', 'coding:read', 'record:him', 'self:record'] as const;

@ApiTags('records')
@ApiExtraModels(...CLINICAL_ITEM_MODELS)
@Controller()
export class EncountersController {
  constructor(private readonly clinical: ClinicalService) {}

  @AuthorizeAny(...READERS)
  @Get('encounters/:id')
  @ApiOperation({ summary: 'One encounter' })
  @ApiOkResponse({ type: EncounterDto })
  read(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.clinical.readEncounter(ctx, id);
  }

  @Authorize('clinical:write')
  @Patch('encounters/:id')
  @ApiOperation({ summary: 'Discharge, disposition, or mark entered-in-error (send the version you read)' })
  @ApiOkResponse({ type: EncounterDto })
  update(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: UpdateEncounterDto) {
    return this.clinical.updateEncounter(ctx, id, dto);
  }

  @AuthorizeAny(...READERS)
  @Get('encounters/:id/diagnoses')
  @ApiOperation({ summary: 'Diagnoses of an encounter' })
  @ApiOkResponse({ type: DiagnosisListDto })
  diagnoses(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.clinical.listItems(ctx, id, 'diagnoses');
  }

  @AuthorizeAny(...WRITE_PERMISSIONS.diagnoses)
  @Post('encounters/:id/diagnoses')
  @ApiOperation({ summary: 'Add a diagnosis (ICD-10-CM); with replacesId, corrects an earlier one' })
  @ApiCreatedResponse({ type: DiagnosisDto })
  addDiagnosis(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateDiagnosisDto) {
    return this.clinical.createItem(ctx, id, 'diagnoses', dto);
  }

  @AuthorizeAny(...READERS)
  @Get('encounters/:id/procedures')
  @ApiOperation({ summary: 'Procedures of an encounter' })
  @ApiOkResponse({ type: ProcedureListDto })
  procedures(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.clinical.listItems(ctx, id, 'procedures');
  }

  @AuthorizeAny(...WRITE_PERMISSIONS.procedures)
  @Post('encounters/:id/procedures')
  @ApiOperation({ summary: 'Add a procedure; with replacesId, corrects an earlier one' })
  @ApiCreatedResponse({ type: ProcedureDto })
  addProcedure(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateProcedureDto) {
    return this.clinical.createItem(ctx, id, 'procedures', dto);
  }

  @AuthorizeAny(...READERS)
  @Get('encounters/:id/observations')
  @ApiOperation({ summary: 'Observations (LOINC) of an encounter' })
  @ApiOkResponse({ type: ObservationListDto })
  observations(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.clinical.listItems(ctx, id, 'observations');
  }

  @AuthorizeAny(...WRITE_PERMISSIONS.observations)
  @Post('encounters/:id/observations')
  @ApiOperation({ summary: 'Record an observation; with replacesId, corrects an earlier one' })
  @ApiCreatedResponse({ type: ObservationDto })
  addObservation(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateObservationDto) {
    return this.clinical.createItem(ctx, id, 'observations', dto);
  }

  @AuthorizeAny(...READERS)
  @Get('encounters/:id/notes')
  @ApiOperation({ summary: 'Clinical notes of an encounter (psychotherapy notes: their author only)' })
  @ApiOkResponse({ type: NoteListDto })
  notes(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.clinical.listItems(ctx, id, 'notes');
  }

  @AuthorizeAny(...WRITE_PERMISSIONS.notes)
  @Post('encounters/:id/notes')
  @ApiOperation({ summary: 'Write a note (nurses: nursing notes); with replacesId, corrects an earlier one' })
  @ApiCreatedResponse({ type: NoteDto })
  addNote(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateNoteDto) {
    return this.clinical.createItem(ctx, id, 'notes', dto);
  }

  @AuthorizeAny('clinical:write', 'observation:write')
  @Post('items/:type/:id/entered-in-error')
  @ApiOperation({ summary: 'Mark a clinical item entered-in-error (never deleted); send its version' })
  @ApiCreatedResponse({ description: 'The item, now entered-in-error (its shape is the type\'s)', schema: CLINICAL_ITEM_SCHEMA })
  @ApiParam({ name: 'type', enum: ITEM_TYPES })
  enteredInError(
    @Ctx() ctx: RequestContext,
    @Param('type', new EnumPipe(ITEM_TYPES)) type: ItemType,
    @Param('id', IdPipe) id: number,
    @Body() dto: EnteredInErrorDto,
  ) {
    return this.clinical.enteredInError(ctx, type, id, dto);
  }
}
