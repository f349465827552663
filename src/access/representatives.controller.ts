import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import {
  CreateRepresentativeDto, CreateRestrictionDto, DeclineRepresentativeDto, FiledRestrictionDto, PatientRestrictionsDto, RepresentativeDto, RepresentativeListDto,
  RepresentedPatientListDto, RestrictionDecisionDto, RestrictionDto, RestrictionQueueDto, RestrictionQueueQueryDto, RestrictionTerminationDto,
} from './dto/representative.dto';
import { RepresentativesService } from './representatives.service';
import { RestrictionsService } from './restrictions.service';

/** Personal representatives (45 CFR 164.502(g)). */
@ApiTags('personal representatives')
@Controller()
export class RepresentativesController {
  constructor(private readonly representatives: RepresentativesService) {}

  @Authorize('representative:manage')
  @Post('patients/:id/representatives')
  @ApiOperation({
    summary: 'Link a representative account to a patient with the document on file (HIM, privacy officer)',
    description: 'The account must have role representative. Whether the link lets it act is decided by the access policy on every request (validity, the patient a minor / an adult / deceased, the rights covered, a 164.502(g)(5) decline).',
  })
  @ApiCreatedResponse({ type: RepresentativeDto })
  link(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateRepresentativeDto) {
    return this.representatives.link(ctx, id, dto);
  }

  @Authorize('representative:manage')
  @Get('patients/:id/representatives')
  @ApiOperation({ summary: 'A patient\'s personal representatives, each with whether it is in force now and why not' })
  @ApiOkResponse({ type: RepresentativeListDto })
  list(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.representatives.list(ctx, id);
  }

  @Authorize('representative:manage')
  @Post('representatives/:id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline to treat the person as the personal representative: a reasonable belief of abuse or endangerment (164.502(g)(5))' })
  @ApiOkResponse({ type: RepresentativeDto })
  @ApiConflictResponse({ description: 'Stale version, or already declined' })
  decline(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: DeclineRepresentativeDto) {
    return this.representatives.decline(ctx, id, dto);
  }

  @Authorize('self:record')
  @Get('me/represented')
  @ApiOperation({
    summary: 'The patients I act for as personal representative, each with its authority and whether it is in force now',
    description: 'Then use /me/represented/:patientId/record, /access-log, /disclosures, /accounting-requests, /roi-requests, or the /patients/:id/... routes (amendments, restrictions) and POST /roi/requests (requesterType self) with that patient id.',
  })
  @ApiOkResponse({ type: RepresentedPatientListDto })
  mine(@Ctx() ctx: RequestContext) {
    return this.representatives.mine(ctx);
  }
}

/** Restriction requests (45 CFR 164.522(a)). */
@ApiTags('restrictions')
@Controller()
export class RestrictionsController {
  constructor(private readonly restrictions: RestrictionsService) {}

  @Authorize('restriction:request')
  @Post('patients/:id/restrictions')
  @ApiOperation({
    summary: 'Ask to restrict uses and disclosures for treatment, payment or operations (the individual or their representative)',
    description: 'A restriction of disclosures to a health plan (payment, operations) of an encounter paid out of pocket in full (selfPay) is agreed at once (164.522(a)(1)(vi)); any other waits for the privacy officer.',
  })
  @ApiCreatedResponse({ type: FiledRestrictionDto })
  request(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: CreateRestrictionDto) {
    return this.restrictions.request(ctx, id, dto);
  }

  @AuthorizeAny('restriction:request', 'restriction:decide')
  @Get('patients/:id/restrictions')
  @ApiOperation({ summary: 'A patient\'s restriction requests and their status' })
  @ApiOkResponse({ type: PatientRestrictionsDto })
  forPatient(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.restrictions.forPatient(ctx, id);
  }

  @Authorize('restriction:decide')
  @Get('restrictions')
  @ApiOperation({ summary: 'Restriction requests for the privacy officer (status=requested: the queue), oldest first' })
  @ApiOkResponse({ type: RestrictionQueueDto })
  queue(@Ctx() ctx: RequestContext, @Query() q: RestrictionQueueQueryDto) {
    return this.restrictions.queue(ctx, q);
  }

  @Authorize('restriction:decide')
  @Post('restrictions/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Agree or refuse (164.522(a)(1)(i)-(ii)); a required (a)(1)(vi) restriction cannot be refused (409)' })
  @ApiOkResponse({ type: RestrictionDto })
  decide(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: RestrictionDecisionDto) {
    return this.restrictions.decide(ctx, id, dto);
  }

  @AuthorizeAny('restriction:request', 'restriction:decide')
  @Post('restrictions/:id/termination')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Terminate: by the individual or their representative (ends it), or by the covered entity (only for information created later; never a required one)',
    description: '45 CFR 164.522(a)(2). 409 for a required restriction terminated by the covered entity, or one not agreed.',
  })
  @ApiOkResponse({ type: RestrictionDto })
  terminate(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: RestrictionTerminationDto) {
    return this.restrictions.terminate(ctx, id, dto);
  }
}
