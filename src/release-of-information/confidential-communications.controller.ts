import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { ConfidentialCommunicationsService } from './confidential-communications.service';
import { ConfidentialCommunicationDto, ConfidentialCommunicationsDto } from './dto/confidential-communications.dto';

/** Confidential communications (45 CFR 164.522(b)): the patient's alternative means or location for PHI sent to them. */
@ApiTags('confidential communications')
@Controller()
export class ConfidentialCommunicationsController {
  constructor(private readonly cc: ConfidentialCommunicationsService) {}

  @Authorize('self:record')
  @Get('me/confidential-communications')
  @ApiOperation({ summary: 'My alternative address or channel for communications of my health information (164.522(b))' })
  @ApiOkResponse({ type: ConfidentialCommunicationsDto })
  mine(@Ctx() ctx: RequestContext) {
    return this.cc.read(ctx, 'me');
  }

  @Authorize('self:record')
  @Put('me/confidential-communications')
  @ApiOperation({ summary: 'Ask to receive my copies and notices by another channel or at another address: accommodated, no explanation asked (164.522(b)(2)(ii))' })
  @ApiOkResponse({ type: ConfidentialCommunicationsDto })
  setMine(@Ctx() ctx: RequestContext, @Body() dto: ConfidentialCommunicationDto) {
    return this.cc.set(ctx, 'me', dto);
  }

  @Authorize('self:record')
  @Delete('me/confidential-communications')
  @ApiOperation({ summary: 'Withdraw my request: copies and notices go to my address of record again' })
  @ApiOkResponse({ type: ConfidentialCommunicationsDto })
  @ApiConflictResponse({ description: 'No request in force' })
  withdrawMine(@Ctx() ctx: RequestContext) {
    return this.cc.withdraw(ctx, 'me');
  }

  @AuthorizeAny('roi:process', 'demographics:write')
  @Get('patients/:id/confidential-communications')
  @ApiOperation({ summary: 'A patient\'s alternative address or channel (ROI staff, registration)' })
  @ApiOkResponse({ type: ConfidentialCommunicationsDto })
  forPatient(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.cc.read(ctx, id);
  }

  @AuthorizeAny('roi:process', 'demographics:write')
  @Put('patients/:id/confidential-communications')
  @ApiOperation({ summary: 'Record a patient\'s request for confidential communications on their behalf (164.522(b))' })
  @ApiOkResponse({ type: ConfidentialCommunicationsDto })
  setForPatient(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: ConfidentialCommunicationDto) {
    return this.cc.set(ctx, id, dto);
  }

  @AuthorizeAny('roi:process', 'demographics:write')
  @Delete('patients/:id/confidential-communications')
  @ApiOperation({ summary: 'Record the patient\'s withdrawal of their request' })
  @ApiOkResponse({ type: ConfidentialCommunicationsDto })
  @ApiConflictResponse({ description: 'No request in force' })
  withdrawForPatient(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number) {
    return this.cc.withdraw(ctx, id);
  }
}
