import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { BreakGlassService } from './break-glass.service';
import {
  BreakGlassGrantDto, BreakGlassListQueryDto, BreakGlassReviewItemDto, BreakGlassReviewPageDto, CreateBreakGlassDto, ReviewBreakGlassDto,
} from './dto/break-glass.dto';

@ApiTags('access')
@Controller('access/break-glass')
export class BreakGlassController {
  constructor(private readonly breakGlass: BreakGlassService) {}

  @Authorize('break-glass:use')
  @Post()
  @ApiOperation({
    summary: 'Break the glass: emergency access to a chart outside the care relation (45 CFR 164.312(a)(2)(ii))',
    description:
      'Opens a grant for BREAK_GLASS_MINUTES (default 60) from now. While it lasts the caller may read the patient\'s chart as if on the ' +
      'care team (VIP patients included); every such access is flagged break-glass in the audit trail with purpose of use ETREAT, and a ' +
      'privacy officer reviews the grant. Audited as `break-glass` in the same transaction as the grant.\n\n' +
      '409 when no grant is needed (the caller is on the care team, or it is their own record), and 409 when the caller already holds an ' +
      'unexpired grant for this patient: `details` then gives its `grantId` and `expiresAt`. A second request never extends a grant or ' +
      'replaces its reason; once it expires, break the glass again with a new reason.',
  })
  @ApiCreatedResponse({ type: BreakGlassGrantDto })
  @ApiBadRequestResponse({ description: '`reason` shorter than 10 characters, or a bad `patientId`; nothing is written' })
  @ApiNotFoundResponse({ description: 'No such patient' })
  @ApiConflictResponse({ description: 'No grant needed (care team, own record), or an unexpired grant already open' })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateBreakGlassDto) {
    return this.breakGlass.grant(ctx, dto.patientId, dto.reason);
  }

  @Authorize('break-glass:review')
  @Get()
  @ApiOperation({
    summary: 'Break-the-glass grants for review (reviewed=false: the queue, oldest first)',
    description: 'Each grant with its holder, reason, validity, and `accessCount`: the audit rows flagged break-glass for that user and patient while the grant lasted.',
  })
  @ApiOkResponse({ type: BreakGlassReviewPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: BreakGlassListQueryDto) {
    return this.breakGlass.list(ctx, q);
  }

  @Authorize('break-glass:review')
  @Post(':id/review')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Record the review of a grant: justified or violation, with a note',
    description: 'Once per grant (409 after). Nobody reviews their own grant (403, audited). Audited as `break-glass-review` in the same transaction.',
  })
  @ApiOkResponse({ type: BreakGlassReviewItemDto })
  @ApiNotFoundResponse({ description: 'No such grant' })
  @ApiConflictResponse({ description: 'Already reviewed' })
  review(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: ReviewBreakGlassDto) {
    return this.breakGlass.review(ctx, id, dto.outcome, dto.note);
  }
}
