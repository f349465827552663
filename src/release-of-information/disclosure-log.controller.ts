import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { DisclosureLogService } from './disclosure-log.service';
import { DisclosureEntryDto } from './dto/accounting.dto';
import { AccountingSuspensionDto, AccountingSuspensionListDto, AccountingSuspensionViewDto, ManualDisclosureDto } from './dto/disclosure-log.dto';

/**
 * The disclosures log beyond the ROI workflow (45 CFR 164.528): disclosures made elsewhere, and the temporary suspension
 * of the accounting. ROI staff (roi:process) and the privacy officer (roi:approve).
 */
@ApiTags('accounting of disclosures')
@Controller('patients/:id')
export class DisclosureLogController {
  constructor(private readonly log: DisclosureLogService) {}

  @AuthorizeAny('roi:process', 'roi:approve')
  @Post('disclosures')
  @ApiOperation({
    summary: 'Enter a disclosure made outside the ROI workflow (a public-health report, a report to an oversight agency) so the accounting lists it (164.528(b))',
    description: 'Recipient, date, purpose, legal basis and a description of the information. An exempt basis (164.528(a)(1)) is a 400. Append-only; audited.',
  })
  @ApiCreatedResponse({ type: DisclosureEntryDto })
  @ApiBadRequestResponse({ description: 'A missing or bad field, an exempt basis, or a date in the future' })
  record(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: ManualDisclosureDto) {
    return this.log.recordManual(ctx, id, dto);
  }

  @AuthorizeAny('roi:process', 'roi:approve')
  @Post('accounting-suspensions')
  @ApiOperation({
    summary: 'Record an agency\'s statement suspending the accounting of its disclosures (164.528(a)(2))',
    description: 'written: for the time it specifies (endsOn required); oral: at most 30 days (164.528(a)(2)(ii)). While in force, every accounting leaves out the disclosures to that agency.',
  })
  @ApiCreatedResponse({ type: AccountingSuspensionViewDto })
  suspend(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: AccountingSuspensionDto) {
    return this.log.suspend(ctx, id, dto);
  }

  @AuthorizeAny('roi:process', 'roi:approve')
  @Get('accounting-suspensions')
  @ApiOperation({ summary: 'A patient\'s suspensions of the accounting (164.528(a)(2)), newest first' })
  @ApiOkResponse({ type: AccountingSuspensionListDto })
  suspensions(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.log.listSuspensions(ctx, id);
  }
}
