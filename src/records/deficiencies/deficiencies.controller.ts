import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, AuthorizeAny } from '../../auth/decorators';
import { IdPipe } from '../../common/id.pipe';
import { Ctx, RequestContext } from '../../common/request-context';
import { SignNoteDto } from '../dto/clinical.dto';
import { NoteDto } from '../dto/record.dto';
import { NoteSigningService } from '../note-signing.service';
import { DeficienciesService } from './deficiencies.service';
import { DeficiencyListDto, DeficiencyQueryDto } from './deficiency.dto';

/** Chart deficiencies and the signature that clears an unsigned note (docs/instructor-guide.md, "Chart deficiencies"). */
@ApiTags('deficiencies')
@Controller()
export class DeficienciesController {
  constructor(private readonly deficiencies: DeficienciesService, private readonly signing: NoteSigningService) {}

  @Authorize('deficiency:read')
  @Get('deficiencies')
  @ApiOperation({
    summary: 'HIM: incomplete records of discharged encounters, by physician (physician=id or username) and status',
    description: 'deficient until DEFICIENCY_DELINQUENT_DAYS (default 30) after discharge, then delinquent (42 CFR 482.24(c)(4)(viii); TJC RC.01.03.01).',
  })
  @ApiOkResponse({ type: DeficiencyListDto })
  list(@Ctx() ctx: RequestContext, @Query() q: DeficiencyQueryDto) {
    return this.deficiencies.list(ctx, q);
  }

  @AuthorizeAny('clinical:write', 'observation:write')
  @Get('me/deficiencies')
  @ApiOperation({ summary: 'The documents the caller must complete (sign, dictate the discharge summary, answer the query)' })
  @ApiOkResponse({ type: DeficiencyListDto })
  mine(@Ctx() ctx: RequestContext, @Query() q: DeficiencyQueryDto) {
    return this.deficiencies.mine(ctx, q);
  }

  @AuthorizeAny('clinical:write', 'observation:write')
  @Post('notes/:id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign one\'s own note (authentication of the entry, 42 CFR 482.24(c)(1)); send its version' })
  @ApiOkResponse({ type: NoteDto })
  @ApiConflictResponse({ description: 'Already signed, not active, or a stale version' })
  sign(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: SignNoteDto) {
    return this.signing.sign(ctx, id, dto);
  }
}
