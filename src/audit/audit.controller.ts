import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/decorators';
import { Ctx, RequestContext } from '../common/request-context';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifier } from './audit-verifier';
import { AuditWriter, fromContext } from './audit.writer';
import { AuditFilterDto, VerifyQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifier,
    private readonly writer: AuditWriter,
  ) {}

  @Authorize('audit:read')
  @Get('events')
  @ApiOperation({ summary: 'Filtered, paginated audit events, newest first' })
  async events(@Ctx() ctx: RequestContext, @Query() f: AuditFilterDto) {
    const page = await this.query.search(f);
    await this.writer.append({
      ...fromContext(ctx), action: 'search', outcome: 'success', resourceType: 'audit-event', patientId: f.patientId ?? null,
      details: { results: page.total },
    });
    return page;
  }

  @Authorize('audit:verify')
  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain; names the first broken sequence (changed, deleted or truncated rows)' })
  async verify(@Ctx() ctx: RequestContext, @Query() q: VerifyQueryDto) {
    const result = await this.verifier.verify(q.from ?? 0);
    await this.writer.append({
      ...fromContext(ctx), action: 'verify', outcome: 'success', resourceType: 'audit-chain',
      details: { valid: result.valid, checked: result.checked, firstBrokenSequence: result.firstBrokenSequence ?? null },
    });
    return result;
  }

  @Authorize('audit:verify')
  @Post('checkpoints')
  @ApiOperation({ summary: 'Checkpoint the chain head now (sequence, hash, time, HMAC)' })
  async checkpoint(@Ctx() ctx: RequestContext) {
    const cp = await this.writer.checkpoint();
    await this.writer.append({ ...fromContext(ctx), action: 'checkpoint', outcome: 'success', resourceType: 'audit-chain', details: cp ?? { unchanged: true } });
    return cp ?? { unchanged: true };
  }
}
