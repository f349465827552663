import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { responseHeaders } from '../common/openapi/response-headers';
import { PageDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { FHIR_RESOURCE_MODELS, FhirBundleDto } from './dto/fhir.dto';
import { ReplaceBasisFactsDto } from './dto/release-basis.dto';
import { DisclosurePackageDto, RoiRecordsDto } from './dto/package.dto';
import {
  CreateRoiRequestDto, PackageQueryDto, PrivacyApprovalDto, ReplaceAuthorizationDto, RoiQueueQueryDto, RoiTransitionDto,
} from './dto/roi.dto';
import { MyRoiRequestsDto, RoiRequestDto, RoiRequestSummaryDto } from './dto/roi-response.dto';
import { RoiDisclosureService } from './roi-disclosure.service';
import { RoiIntakeService } from './roi-intake.service';
import { RoiWorkflowService } from './roi-workflow.service';

/** Release of information (45 CFR 164.508, 164.524, 164.528): intake, queue, state machine, scoped read, package. */
@ApiTags('release-of-information')
@ApiExtraModels(DisclosurePackageDto, FhirBundleDto, ...FHIR_RESOURCE_MODELS)
@Controller()
export class RoiController {
  constructor(
    private readonly intake: RoiIntakeService,
    private readonly workflow: RoiWorkflowService,
    private readonly disclosure: RoiDisclosureService,
  ) {}

  @Authorize('roi:create')
  @Post('roi/requests')
  @ApiOperation({
    summary: 'Log a request (ROI staff, any requester) or file one for yourself (a patient, requesterType self)',
    description: 'Due 30 days after receipt (45 CFR 164.524(b)(2)); the days are configurable per requester type (ROI_DUE_DAYS), at most 30 for self.',
  })
  @ApiCreatedResponse({ type: RoiRequestDto })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateRoiRequestDto) {
    return this.intake.create(ctx, dto);
  }

  @Authorize('roi:process')
  @Get('roi/requests')
  @ApiOperation({ summary: 'The ROI queue, soonest due first, with days left; overdue=true lists open requests past due' })
  @ApiOkResponse({ type: PageDto(RoiRequestSummaryDto) })
  queue(@Ctx() ctx: RequestContext, @Query() q: RoiQueueQueryDto) {
    return this.intake.queue(ctx, q);
  }

  @Authorize('self:record')
  @Get('me/roi-requests')
  @ApiOperation({ summary: 'My own release-of-information requests and where they stand' })
  @ApiOkResponse({ type: MyRoiRequestsDto })
  mine(@Ctx() ctx: RequestContext, @Query() q: RoiQueueQueryDto) {
    return this.intake.mine(ctx, q);
  }

  @Authorize('self:record')
  @Get('me/represented/:patientId/roi-requests')
  @ApiOperation({ summary: 'A personal representative: the represented patient\'s own release-of-information requests (164.502(g))' })
  @ApiOkResponse({ type: MyRoiRequestsDto })
  mineFor(@Ctx() ctx: RequestContext, @Param('patientId', IdPipe) patientId: number, @Query() q: RoiQueueQueryDto) {
    return this.intake.mine(ctx, q, patientId);
  }

  @AuthorizeAny('roi:process', 'roi:create')
  @Get('roi/requests/:id')
  @ApiOperation({ summary: 'One request: status, due date, days left, fee, denial, allowed actions and the full history (who, when, from, to, reason)' })
  @ApiOkResponse({ type: RoiRequestDto })
  read(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.intake.read(ctx, id);
  }

  @Authorize('roi:approve')
  @Post('roi/requests/:id/privacy-approval')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The privacy officer approves a release from a VIP chart, or of substance use disorder records (42 CFR Part 2) to a third party',
    description: 'Until then the VIP chart stays closed to ROI staff and Part 2 items stay out of the package. 409 when the request is not open or needs no approval.',
  })
  @ApiOkResponse({ type: RoiRequestDto })
  approvePrivacy(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: PrivacyApprovalDto) {
    return this.workflow.approvePrivacy(ctx, id, dto);
  }

  @Authorize('roi:process')
  @Post('roi/requests/:id/transitions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move the request through the state machine',
    description: [
      'received -> verify-identity -> validate-authorization (third party) | confirm-right-of-access (self) -> begin-review -> approve -> fulfil -> close;',
      'deny (denialCode and reason), cancel (reason) and extend (once, 1-30 days, before the original due date, reason) from any open state.',
      'Send the version you read. Any other transition, or a stale version, is a 409 and changes nothing. validate-authorization answers 400',
      'listing every missing or bad element of 164.508(c). fulfil builds the package (JSON and FHIR), stores its SHA-256, computes the fee',
      'and writes the disclosure to the accounting (exempt ones recorded but not listed).',
    ].join(' '),
  })
  @ApiOkResponse({ type: RoiRequestDto })
  @ApiBadRequestResponse({ description: 'Missing reason/denialCode/extensionDays, or an invalid authorization (every problem listed)' })
  @ApiConflictResponse({ description: 'Stale version or a transition the state machine does not allow' })
  transition(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: RoiTransitionDto) {
    return this.workflow.transition(ctx, id, dto);
  }

  @Authorize('roi:process')
  @Put('roi/requests/:id/authorization')
  @ApiOperation({ summary: 'Replace the authorization with the corrected one the requester sent (before it is validated)' })
  @ApiOkResponse({ type: RoiRequestDto })
  replaceAuthorization(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: ReplaceAuthorizationDto) {
    return this.intake.replaceAuthorization(ctx, id, dto);
  }

  @Authorize('roi:process')
  @Put('roi/requests/:id/basis-facts')
  @ApiOperation({
    summary: 'Legal process desk: complete the documents of the basis before validation (the order or subpoena, its scope and assurances, the law enforcement path, the patient\'s direction)',
    description: 'Replaces the facts named (legalProcess, lawEnforcement, publicHealth, operations, direction); validation then checks them (164.512(b), (e), (f), 164.524(c)(3)(ii)). 409 after validation or on a stale version.',
  })
  @ApiOkResponse({ type: RoiRequestDto })
  replaceBasisFacts(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: ReplaceBasisFactsDto) {
    return this.intake.replaceBasisFacts(ctx, id, dto);
  }

  @Authorize('roi:process')
  @Get('roi/requests/:id/records')
  @ApiOperation({
    summary: 'The records the request covers, as the package would carry them (from the start of the review until the request is closed)',
    description: 'Only the record types and dates the request names; restricted items only when the authorization names their category. Audited with purpose DISCLOSURE and the request id.',
  })
  @ApiOkResponse({ type: RoiRecordsDto })
  records(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.disclosure.records(ctx, id);
  }

  @AuthorizeAny('roi:process', 'roi:create')
  @Get('roi/requests/:id/package')
  @ApiOperation({
    summary: 'The disclosed package once fulfilled: format=json (the stored, hashed bytes) or format=fhir (a FHIR R4 Bundle)',
    description: 'The X-Package-SHA256 header carries the SHA-256 of the body. ROI staff while the request is fulfilled; the patient for their own request.',
  })
  @ApiProduces('application/json', 'application/fhir+json')
  @ApiOkResponse({
    description: 'format=json: the package as stored and hashed; format=fhir: the same package as a FHIR R4 Bundle',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(DisclosurePackageDto) } },
      'application/fhir+json': { schema: { $ref: getSchemaPath(FhirBundleDto) } },
    },
    headers: responseHeaders('X-Package-SHA256', 'Content-Disposition'),
  })
  @ApiConflictResponse({ description: 'The request is not fulfilled (yet, or it was denied): there is no package' })
  async package(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Query() q: PackageQueryDto, @Res({ passthrough: true }) res: Response) {
    const file = await this.disclosure.package(ctx, id, q.format ?? 'json');
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('X-Package-SHA256', file.sha256);
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    return file.body;
  }
}
