import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AuditVerifier } from '../audit/audit-verifier';
import { Public } from '../auth/decorators';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness, a database ping, and whether the audit trail can take its next row' })
  check() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 }), () => this.auditTrail()]);
  }

  /**
   * A row after the stored head (written behind the service's back) blocks every audited request (503): the
   * operator must know. Says only that, and where to look; the sequence numbers are for GET /audit/verify.
   */
  private async auditTrail() {
    const session = this.indicators.check('auditTrail');
    const { firstForeignSeq } = await this.verifier.tailStatus();
    return firstForeignSeq === null
      ? session.up()
      : session.down({ message: 'the audit trail needs attention: a row after its head was not written by this service; a privacy officer must run GET /audit/verify' });
  }
}
