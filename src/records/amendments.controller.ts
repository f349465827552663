import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { PageDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { AmendmentDecisionsService } from './amendment-decisions.service';
import { AmendmentRoutingService } from './amendment-routing.service';
import { AmendmentStatementsService } from './amendment-statements.service';
import { AmendmentsService } from './amendments.service';
import {
  AmendmentDecisionDto, AmendmentDecisionResultDto, AmendmentDetailDto, AmendmentDto, AmendmentQueueQueryDto, CreateAmendmentDto, DisagreementDto,
  PatientAmendmentsPageDto, PatientAmendmentsQueryDto, RebuttalDto, RouteAmendmentDto,
} from './dto/amendment.dto';

/** Who may list a patient's amendments: whoever reads that patient's record (the view then decides which). */
const AMENDMENT_READERS = ['amendment:decide', 'clinical:read', 'coding:read', 'record:him', 'self:record'] as const;

/** The right to amend (45 CFR 164.526): requests, the HIM queue with due dates, decisions, disagreements. */
@ApiTags('amendments')
@Controller()
export class AmendmentsController {
  constructor(
    private readonly amendments: AmendmentsService,
    private readonly routing: AmendmentRoutingService,
    private readonly decisions: AmendmentDecisionsService,
    private readonly statements: AmendmentStatementsService,
  ) {}

  @Authorize('amendment:request')
  @Post('patients/:id/amendments')
  @ApiOperation({
    summary: 'Request an amendment of an item of the record (the patient for their own record, or HIM on their behalf)',
    description: 'The request is due 60 days after receipt (45 CFR 164.526(b)(2)). The item must belong to this patient.',
  })
  @ApiCreatedResponse({ type: AmendmentDto })
  request(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateAmendmentDto) {
    return this.amendments.request(ctx, id, dto);
  }

  @AuthorizeAny(...AMENDMENT_READERS)
  @Get('patients/:id/amendments')
  @ApiOperation({
    summary: 'A patient\'s amendment requests, each linked to its item (164.526(c)(1), (d)(4))',
    description: 'Shown only for items in the caller\'s view of the record; the rest are absent; `withheld` lists the rules that may leave amendments out. Filter by itemType and itemId to see what is linked to one item.',
  })
  @ApiOkResponse({ type: PatientAmendmentsPageDto })
  forPatient(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Query() q: PatientAmendmentsQueryDto) {
    return this.amendments.forPatient(ctx, id, q);
  }

  @AuthorizeAny('amendment:decide', 'amendment:respond')
  @Get('amendments')
  @ApiOperation({
    summary: 'The amendment queue, soonest due first, with days left; overdue=true lists open requests past due',
    description: 'HIM (amendment:decide) sees every request; a deciding clinician (amendment:respond) only those routed to them.',
  })
  @ApiOkResponse({ type: PageDto(AmendmentDto) })
  queue(@Ctx() ctx: RequestContext, @Query() q: AmendmentQueueQueryDto) {
    return this.amendments.queue(ctx, q);
  }

  @AuthorizeAny('amendment:decide', 'amendment:respond', 'amendment:request')
  @Get('amendments/:id')
  @ApiOperation({ summary: 'One amendment request with its item and the notifications made (HIM, the clinician it is routed to, or the individual it belongs to); for HIM also eligibleDeciders' })
  @ApiOkResponse({ type: AmendmentDetailDto })
  read(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.amendments.read(ctx, id);
  }

  @Authorize('amendment:decide')
  @Post('amendments/:id/route')
  @HttpCode(200)
  @ApiOperation({
    summary: 'HIM routes the request to the clinician who decides: the author of the item or one responsible for it (164.526(a))',
    description: 'deciderUserId must be one of eligibleDeciders (GET /amendments/:id); 400 otherwise. Open requests only (409). May be routed again while open.',
  })
  @ApiOkResponse({ type: AmendmentDto })
  route(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: RouteAmendmentDto) {
    return this.routing.route(ctx, id, dto);
  }

  @AuthorizeAny('amendment:decide', 'amendment:respond')
  @Post('amendments/:id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept (with the correction: a new version of the item) or deny (one of the four grounds of 164.526(a)(2)): the clinician the request is routed to. Extend (once, 1-30 days, before the due date): HIM',
    description: 'Send the version you read. Anyone but the routed clinician accepting or denying is a 403 (audited). Accepting tells the individual, the persons they named and earlier recipients of the item, and records each notification (164.526(c)). A stale version, a second extension, an extension after the due date or a decision on a closed request is a 409.',
  })
  @ApiOkResponse({ type: AmendmentDecisionResultDto })
  @ApiConflictResponse({ description: 'Stale version or a transition the rules do not allow' })
  decide(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: AmendmentDecisionDto) {
    return this.decisions.decide(ctx, id, dto);
  }

  @Authorize('amendment:request')
  @Post('amendments/:id/disagreement')
  @ApiOperation({ summary: 'The individual\'s statement of disagreement with a denial, once (164.526(d)(1)(ii))' })
  @ApiCreatedResponse({ type: AmendmentDto })
  @ApiConflictResponse({ description: 'The request was not denied, or a statement is already on file' })
  disagree(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: DisagreementDto) {
    return this.statements.disagree(ctx, id, dto);
  }

  @Authorize('amendment:request')
  @Post('amendments/:id/include-with-disclosures')
  @HttpCode(200)
  @ApiOperation({ summary: 'Without a statement of disagreement: the individual asks that the request and the denial accompany future disclosures (164.526(d)(1)(iii), (d)(5)(ii))' })
  @ApiOkResponse({ type: AmendmentDto })
  includeWithDisclosures(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.statements.requestInclusion(ctx, id);
  }

  @Authorize('amendment:decide')
  @Post('amendments/:id/rebuttal')
  @ApiOperation({ summary: 'The covered entity\'s rebuttal of the statement of disagreement, once; a copy is provided to the individual (164.526(d)(3))' })
  @ApiCreatedResponse({ type: AmendmentDto })
  @ApiConflictResponse({ description: 'No statement of disagreement on file, or a rebuttal already prepared' })
  rebut(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: RebuttalDto) {
    return this.statements.rebut(ctx, id, dto);
  }
}
