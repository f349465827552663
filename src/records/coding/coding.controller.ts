import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../../auth/decorators';
import { IdPipe } from '../../common/id.pipe';
import { PageDto } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import { CodingAbstractService } from './coding-abstract.service';
import {
  AnswerQueryDto, CodingAbstractDto, CodingAbstractVersionsDto, CreateQueryDto, ProviderQueryDto, ProviderQueryListDto, QueryListQueryDto, QueryTransitionDto,
  SaveCodingAbstractDto,
} from './dto/coding.dto';
import { ProviderQueriesService } from './provider-queries.service';

/** Who may read an encounter's coding abstract and queries (the view and the policy then decide per patient). */
const CODING_READERS = ['coding:read', 'record:him', 'clinical:read'] as const;

/** The coding abstract of an encounter and provider queries (docs/instructor-guide.md, "Coding"). */
@ApiTags('coding')
@Controller()
export class CodingController {
  constructor(private readonly abstracts: CodingAbstractService, private readonly queries: ProviderQueriesService) {}

  @AuthorizeAny(...CODING_READERS)
  @Get('encounters/:id/coding-abstract')
  @ApiOperation({ summary: 'The current coding abstract (final codes), separate from the clinician\'s documentation; version 0 = not coded' })
  @ApiOkResponse({ type: CodingAbstractDto })
  readAbstract(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.abstracts.read(ctx, id);
  }

  @Authorize('coding:write')
  @Put('encounters/:id/coding-abstract')
  @ApiOperation({
    summary: 'Save a new version of the coding abstract (send the version you read; 0 for the first)',
    description: 'ICD-10-CM diagnoses (POA indicator on every inpatient diagnosis); ICD-10-PCS procedures for inpatient stays, CPT or HCPCS otherwise. final needs a discharged encounter.',
  })
  @ApiOkResponse({ type: CodingAbstractDto })
  @ApiConflictResponse({ description: 'Stale version, or final before discharge' })
  saveAbstract(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: SaveCodingAbstractDto) {
    return this.abstracts.save(ctx, id, dto);
  }

  @AuthorizeAny(...CODING_READERS)
  @Get('encounters/:id/coding-abstract/versions')
  @ApiOperation({ summary: 'Every saved version of the coding abstract, who coded it and when' })
  @ApiOkResponse({ type: CodingAbstractVersionsDto })
  abstractVersions(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.abstracts.history(ctx, id);
  }

  @Authorize('coding:write')
  @Post('encounters/:id/queries')
  @ApiOperation({
    summary: 'Send a compliant provider query to the attending (open-ended, multiple choice, or yes/no where allowed)',
    description: 'Refused with 400 naming the field when leading: a named diagnosis without clinical indicators, financial impact (DRG, reimbursement), "please document...", or a yes/no query outside its allowed uses.',
  })
  @ApiCreatedResponse({ type: ProviderQueryDto })
  createQuery(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateQueryDto) {
    return this.queries.create(ctx, id, dto);
  }

  @AuthorizeAny(...CODING_READERS)
  @Get('encounters/:id/queries')
  @ApiOperation({ summary: 'The provider queries of an encounter, with their state and ageing' })
  @ApiOkResponse({ type: ProviderQueryListDto })
  encounterQueries(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.queries.forEncounter(ctx, id);
  }

  @Authorize('coding:write')
  @Get('coding/queries')
  @ApiOperation({ summary: 'The queries the caller sent (status=open: still waiting), oldest first, with days open and overdue' })
  @ApiOkResponse({ type: PageDto(ProviderQueryDto) })
  sent(@Ctx() ctx: RequestContext, @Query() q: QueryListQueryDto) {
    return this.queries.workList(ctx, 'asked_by', q);
  }

  @Authorize('clinical:write')
  @Get('me/queries')
  @ApiOperation({ summary: 'The queries addressed to the calling physician (status=open: to answer)' })
  @ApiOkResponse({ type: PageDto(ProviderQueryDto) })
  toAnswer(@Ctx() ctx: RequestContext, @Query() q: QueryListQueryDto) {
    return this.queries.workList(ctx, 'addressee_user_id', q);
  }

  @AuthorizeAny(...CODING_READERS)
  @Get('queries/:id')
  @ApiOperation({ summary: 'One provider query' })
  @ApiOkResponse({ type: ProviderQueryDto })
  readQuery(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.queries.read(ctx, id);
  }

  @Authorize('clinical:write')
  @Post('queries/:id/answer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Answer a query (its addressee or the encounter\'s attending); the answer becomes a signed note of the encounter' })
  @ApiOkResponse({ type: ProviderQueryDto })
  @ApiConflictResponse({ description: 'Not open, or a stale version' })
  answer(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: AnswerQueryDto) {
    return this.queries.answer(ctx, id, dto);
  }

  @Authorize('coding:write')
  @Post('queries/:id/transitions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw an open query, or expire an overdue one' })
  @ApiOkResponse({ type: ProviderQueryDto })
  @ApiConflictResponse({ description: 'Not open, not overdue (expire), or a stale version' })
  transition(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: QueryTransitionDto) {
    return this.queries.transition(ctx, id, dto);
  }
}
