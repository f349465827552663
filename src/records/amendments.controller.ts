import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { PageDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { AmendmentsService } from './amendments.service';
import {
  AmendmentDecisionDto, AmendmentDecisionResultDto, AmendmentDetailDto, AmendmentDto, AmendmentQueueQueryDto, CreateAmendmentDto, DisagreementDto,
  PatientAmendmentsPageDto, PatientAmendmentsQueryDto,
} from './dto/amendment.dto';

/** Who may list a patient's amendments: whoever reads that patient's record (the view then decides which). */
const AMENDMENT_READERS = ['amendment:decide', 'clinical:read', 'coding:read', 'record:him', 'self:record'] as const;

/** The right to amend (45 CFR 164.526): requests, the HIM queue with due dates, decisions, disagreements. */
@ApiTags('amendments')
@Controller()
export class AmendmentsController {
  constructor(private readonly amendments: AmendmentsService) {}

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

  @Authorize('amendment:decide')
  @Get('amendments')
  @ApiOperation({ summary: 'The amendment queue, soonest due first, with days left; overdue=true lists open requests past due' })
  @ApiOkResponse({ type: PageDto(AmendmentDto) })
  queue(@Ctx() ctx: RequestContext, @Query() q: AmendmentQueueQueryDto) {
    return this.amendments.queue(ctx, q);
  }

  @AuthorizeAny('amendment:decide', 'amendment:request')
  @Get('amendments/:id')
  @ApiOperation({ summary: 'One amendment request with its item (HIM, or the individual it belongs to)' })
  @ApiOkResponse({ type: AmendmentDetailDto })
  read(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.amendments.read(ctx, id);
  }

  @Authorize('amendment:decide')
  @Post('amendments/:id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept (amend and link the item), deny (one of the four grounds of 164.526(a)(2)) or extend (once, 1-30 days, before the due date)',
    description: 'Send the version you read. A stale version, a second extension, an extension after the due date or a decision on a closed request is a 409.',
  })
  @ApiOkResponse({ type: AmendmentDecisionResultDto })
  @ApiConflictResponse({ description: 'Stale version or a transition the rules do not allow' })
  decide(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: AmendmentDecisionDto) {
    return this.amendments.decide(ctx, id, dto);
  }

  @Authorize('amendment:request')
  @Post('amendments/:id/disagreement')
  @ApiOperation({ summary: 'The individual\'s statement of disagreement with a denial, once (164.526(d)(1)(ii))' })
  @ApiCreatedResponse({ type: AmendmentDto })
  @ApiConflictResponse({ description: 'The request was not denied, or a statement is already on file' })
  disagree(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: DisagreementDto) {
    return this.amendments.disagree(ctx, id, dto);
  }
}
