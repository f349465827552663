import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { AccessDenialService } from './access-denial.service';
import { DenialReviewDecisionDto, RequestDenialReviewDto } from './dto/roi.dto';
import { RoiRequestDto } from './dto/roi-response.dto';

/** The review of a denial of access by another licensed health care professional (45 CFR 164.524(a)(4), (d)(4)). */
@ApiTags('release-of-information')
@Controller('roi/requests/:id/denial-review')
export class DenialReviewController {
  constructor(private readonly denials: AccessDenialService) {}

  @AuthorizeAny('roi:process', 'roi:create')
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ask for the review of a reviewable denial of access (164.524(a)(3)-(4)): the patient for their own request, or ROI staff for them',
    description: 'ROI staff may designate the reviewing official (reviewerId): a physician or nurse who did not determine the denial. 409 when the ground is not reviewable or a review was already asked for.',
  })
  @ApiOkResponse({ type: RoiRequestDto })
  @ApiBadRequestResponse({ description: 'reviewerId is not a licensed professional, or a patient named one' })
  @ApiConflictResponse({ description: 'No denial, an unreviewable ground, already requested, the reviewer determined the denial, or a stale version' })
  request(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: RequestDenialReviewDto) {
    return this.denials.requestReview(ctx, id, dto);
  }

  @Authorize('clinical:read')
  @Post('decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The reviewing official upholds or reverses the denial (164.524(d)(4)); a reversal releases the information denied',
    description: 'Only a licensed health care professional (physician, nurse; 403 otherwise), never the one who determined the denial (409), and the designated one if any (409).',
  })
  @ApiOkResponse({ type: RoiRequestDto })
  @ApiConflictResponse({ description: 'No review asked for, already decided, the denial\'s own determiner, another designated reviewer, or a stale version' })
  decide(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: DenialReviewDecisionDto) {
    return this.denials.decideReview(ctx, id, dto);
  }
}
