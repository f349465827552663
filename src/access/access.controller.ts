import { Body, Controller, Get, Header, Param, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Authenticated, Authorize } from '../auth/decorators';
import { Ctx, RequestContext } from '../common/request-context';
import { AccessPolicyService } from './access-policy.service';
import { AccessService } from './access.service';
import { ROLES } from './catalogue';
import { DecisionDto, ExplainQueryDto, MatrixDto, MatrixQueryDto, RoleDto, SetPermissionsDto } from './dto/access.dto';

@ApiTags('access')
@ApiExtraModels(MatrixDto)
@Controller('access')
export class AccessController {
  constructor(
    private readonly access: AccessService,
    private readonly policy: AccessPolicyService,
  ) {}

  @Authenticated()
  @Get('roles')
  @ApiOperation({ summary: 'Every role with its description and current permissions' })
  @ApiOkResponse({ type: [RoleDto] })
  roles() {
    return this.access.roles();
  }

  @Authenticated()
  @Get('matrix')
  @ApiOperation({ summary: 'The roles x permissions matrix (format=json|csv)' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'JSON by default; format=csv: one row per role, one column per permission, "yes" where held',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(MatrixDto) } },
      'text/csv': { schema: { type: 'string', example: 'role,patient:search,...\nnurse,yes,...' } },
    },
  })
  async matrix(@Query() q: MatrixQueryDto) {
    if (q.format === 'csv') {
      return new StreamableFile(Buffer.from(await this.access.matrixCsv()), { type: 'text/csv; charset=utf-8' });
    }
    return this.access.matrix();
  }

  @Authorize('role:manage')
  @Put('roles/:role/permissions')
  @ApiOperation({ summary: 'Replace a role\'s permissions; takes effect on the next request; audited as permission-change' })
  @ApiOkResponse({ type: RoleDto })
  @ApiParam({ name: 'role', enum: ROLES, description: 'A role name' })
  @ApiNotFoundResponse({ description: 'No such role (checked after the permission, so a refusal is audited first)' })
  setPermissions(@Ctx() ctx: RequestContext, @Param('role') role: string, @Body() dto: SetPermissionsDto) {
    return this.access.setPermissions(ctx, role, dto.permissions);
  }

  @Authenticated()
  @Get('explain')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Would the caller be allowed? The real policy, run without touching patient data',
    description: 'Returns the decision and the reasons the real check uses. Reads no chart content. A question naming a patient is audited (action explain): its answer says whether the patient exists and is a VIP.',
  })
  @ApiOkResponse({ type: DecisionDto })
  explain(@Ctx() ctx: RequestContext, @Query() q: ExplainQueryDto) {
    return this.policy.explainFor(ctx, q.permission, q.patientId);
  }
}
