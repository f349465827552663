import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { BreachIncidentsService } from './breach-incidents.service';
import { IncidentDto, IncidentPageDto } from './dto/incident-response.dto';
import { AssessmentDto, IncidentDecisionDto, IncidentNotificationDto, IncidentQueryDto, OpenIncidentDto } from './dto/breach.dto';

/** Breach incidents (45 CFR 164.400-414): the privacy officer only (breach:manage); every call is audited. */
@ApiTags('privacy')
@Controller('privacy/incidents')
export class BreachIncidentsController {
  constructor(private readonly incidents: BreachIncidentsService) {}

  @Authorize('breach:manage')
  @Post()
  @ApiOperation({
    summary: 'Open an incident from a break-the-glass grant reviewed as a violation, or an anomaly finding judged inappropriate',
    description: 'Evidence: the audit sequence numbers (checked against the trail). discoveredAt (164.404(a)(2)) lies between the first access and when the entity knew; 400 otherwise.',
  })
  @ApiBadRequestResponse({ description: 'Missing source fields, evidence not of this finding, or a discovery date out of bounds' })
  @ApiConflictResponse({ description: 'The grant was not reviewed as a violation, or already has an incident' })
  @ApiCreatedResponse({ type: IncidentDto })
  open(@Ctx() ctx: RequestContext, @Body() dto: OpenIncidentDto) {
    return this.incidents.open(ctx, dto);
  }

  @Authorize('breach:manage')
  @Get()
  @ApiOperation({ summary: 'Incidents, latest discovery first, with their deadlines' })
  @ApiOkResponse({ type: IncidentPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: IncidentQueryDto) {
    return this.incidents.list(ctx, q);
  }

  @Authorize('breach:manage')
  @Get(':id')
  @ApiOperation({ summary: 'One incident: evidence, assessment, exception, decision, deadlines and notifications' })
  @ApiOkResponse({ type: IncidentDto })
  read(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.incidents.read(ctx, id);
  }

  @Authorize('breach:manage')
  @Put(':id/assessment')
  @ApiOperation({ summary: 'The four-factor risk assessment (164.402(2)) and the exception of 164.402(1) if one applies; revisable until the decision' })
  @ApiOkResponse({ type: IncidentDto })
  assess(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: AssessmentDto) {
    return this.incidents.assess(ctx, id, dto);
  }

  @Authorize('breach:manage')
  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Breach or not a breach, with the documented rationale (164.414(b)); a breach starts the deadlines of 164.404-164.408' })
  @ApiConflictResponse({ description: 'Not assessed yet, already decided, a stale version, or breach with an exception recorded' })
  @ApiOkResponse({ type: IncidentDto })
  decide(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: IncidentDecisionDto) {
    return this.incidents.decide(ctx, id, dto);
  }

  @Authorize('breach:manage')
  @Post(':id/notifications')
  @ApiOperation({ summary: 'Record a notification made: individual (164.404), media (164.406), the Secretary (164.408); late ones are flagged' })
  @ApiCreatedResponse({ type: IncidentDto })
  notify(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: IncidentNotificationDto) {
    return this.incidents.notify(ctx, id, dto);
  }
}
