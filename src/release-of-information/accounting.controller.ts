import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { PageDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { AccountingService } from './accounting.service';
import {
  AccountingPageDto, AccountingQueueQueryDto, FeeDecisionDto, AccountingRequestDto, AccountingTransitionDto, DisclosuresQueryDto, MyAccountingRequestsDto,
} from './dto/accounting.dto';

/** The accounting of disclosures (45 CFR 164.528) and the individual's requests for it. */
@ApiTags('accounting of disclosures')
@Controller()
export class AccountingController {
  constructor(private readonly accounting: AccountingService) {}

  @Authorize('disclosure:read')
  @Get('patients/:id/disclosures')
  @ApiOperation({ summary: 'A patient\'s accounting of disclosures: six years back, exempt disclosures left out (164.528)' })
  @ApiOkResponse({ type: AccountingPageDto })
  forPatient(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Query() q: DisclosuresQueryDto) {
    return this.accounting.forPatient(ctx, id, q);
  }

  @Authorize('self:record')
  @Post('me/accounting-requests')
  @ApiOperation({ summary: 'Ask for an accounting of disclosures: due in 60 days; the first in any 12 months is free (164.528(c))' })
  @ApiCreatedResponse({ type: AccountingRequestDto })
  file(@Ctx() ctx: RequestContext) {
    return this.accounting.file(ctx);
  }

  @Authorize('self:record')
  @Get('me/accounting-requests')
  @ApiOperation({ summary: 'My requests for an accounting of disclosures' })
  @ApiOkResponse({ type: MyAccountingRequestsDto })
  mine(@Ctx() ctx: RequestContext, @Query() q: AccountingQueueQueryDto) {
    return this.accounting.mine(ctx, q);
  }

  @Authorize('roi:process')
  @Get('accounting-requests')
  @ApiOperation({ summary: 'Accounting requests to answer, soonest due first' })
  @ApiOkResponse({ type: PageDto(AccountingRequestDto) })
  queue(@Ctx() ctx: RequestContext, @Query() q: AccountingQueueQueryDto) {
    return this.accounting.queue(ctx, q);
  }

  @AuthorizeAny('roi:process', 'self:record')
  @Get('accounting-requests/:id')
  @ApiOperation({ summary: 'One accounting request, with the accounting once provided' })
  @ApiOkResponse({ type: AccountingRequestDto })
  read(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.accounting.read(ctx, id);
  }

  @AuthorizeAny('roi:process', 'self:record')
  @Post('accounting-requests/:id/fee-decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Answer the fee notice of a second accounting in 12 months (164.528(c)(2)): accept, withdraw, or narrow the period (re-quoted)',
    description: 'The patient for their own request, or ROI staff for them. Nothing is charged before accept; 409 when there is no fee notice to answer.',
  })
  @ApiOkResponse({ type: AccountingRequestDto })
  @ApiConflictResponse({ description: 'No fee notice pending, or a stale version' })
  feeDecision(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: FeeDecisionDto) {
    return this.accounting.feeDecision(ctx, id, dto);
  }

  @Authorize('roi:process')
  @Post('accounting-requests/:id/transitions')
  @HttpCode(200)
  @ApiOperation({ summary: 'extend (once, 1-30 days, before the due date, with the reasons) or fulfil (the accounting of the six years before the request)' })
  @ApiOkResponse({ type: AccountingRequestDto })
  @ApiConflictResponse({ description: 'Stale version, already answered, second extension or extension after the due date' })
  transition(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: AccountingTransitionDto) {
    return this.accounting.transition(ctx, id, dto);
  }

  @Authorize('disclosure:read')
  @Post('me/represented/:patientId/accounting-requests')
  @ApiOperation({ summary: 'A personal representative asks for the represented patient\'s accounting of disclosures (164.528, 164.502(g))' })
  @ApiCreatedResponse({ type: AccountingRequestDto })
  fileFor(@Ctx() ctx: RequestContext, @Param('patientId', IdPipe) patientId: number) {
    return this.accounting.file(ctx, patientId);
  }

  @Authorize('disclosure:read')
  @Get('me/represented/:patientId/accounting-requests')
  @ApiOperation({ summary: 'The represented patient\'s requests for an accounting of disclosures' })
  @ApiOkResponse({ type: MyAccountingRequestsDto })
  mineFor(@Ctx() ctx: RequestContext, @Param('patientId', IdPipe) patientId: number, @Query() q: AccountingQueueQueryDto) {
    return this.accounting.mine(ctx, q, patientId);
  }
}
