import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/decorators';
import { PageQueryDto } from '../common/pagination';
import { IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { AccountingDto } from '../release-of-information/dto/accounting.dto';
import { MyAccessLogDto } from './dto/me.dto';
import { RecordDto } from './dto/record.dto';
import { MeService } from './me.service';

/** The patient's own view: right of access (164.524), its access log, and the accounting of disclosures (164.528). */
@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Authorize('self:record')
  @Get('record')
  @ApiOperation({ summary: 'My designated record set (psychotherapy notes excluded, 164.524(a)(1)(i))' })
  @ApiOkResponse({ type: RecordDto })
  record(@Ctx() ctx: RequestContext) {
    return this.me.record(ctx);
  }

  @Authorize('self:record')
  @Get('access-log')
  @ApiOperation({ summary: 'Who opened my record: when, their name and role, what, purpose, break-the-glass' })
  @ApiOkResponse({ type: MyAccessLogDto })
  accessLog(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto) {
    return this.me.accessLog(ctx, q);
  }

  @Authorize('self:record')
  @Get('disclosures')
  @ApiOperation({ summary: 'My accounting of disclosures: six years back, exempt disclosures left out (164.528)' })
  @ApiOkResponse({ type: AccountingDto })
  disclosures(@Ctx() ctx: RequestContext) {
    return this.me.disclosures(ctx);
  }

  // A personal representative (45 CFR 164.502(g)) acts for a patient picked from GET /me/represented; the access
  // policy decides whether the representation is in force, and every answer says on whose behalf (actingFor).

  @Authorize('self:record')
  @Get('represented/:patientId/record')
  @ApiOperation({ summary: 'The represented patient\'s designated record set, as the individual sees it (a minor\'s own care withheld from a parent, 164.502(g)(3))' })
  @ApiOkResponse({ type: RecordDto })
  representedRecord(@Ctx() ctx: RequestContext, @Param('patientId', IdPipe) patientId: number) {
    return this.me.record(ctx, patientId);
  }

  @Authorize('self:record')
  @Get('represented/:patientId/access-log')
  @ApiOperation({ summary: 'Who opened the represented patient\'s record' })
  @ApiOkResponse({ type: MyAccessLogDto })
  representedAccessLog(@Ctx() ctx: RequestContext, @Param('patientId', IdPipe) patientId: number, @Query() q: PageQueryDto) {
    return this.me.accessLog(ctx, q, patientId);
  }

  @Authorize('disclosure:read')
  @Get('represented/:patientId/disclosures')
  @ApiOperation({ summary: 'The represented patient\'s accounting of disclosures (164.528)' })
  @ApiOkResponse({ type: AccountingDto })
  representedDisclosures(@Ctx() ctx: RequestContext, @Param('patientId', IdPipe) patientId: number) {
    return this.me.disclosures(ctx, patientId);
  }
}
