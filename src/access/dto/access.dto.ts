import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ALL_PERMISSIONS, Permission, ROLES } from '../catalogue';

export class RoleDto {
  @ApiProperty({ enum: ROLES }) name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true }) permissions: string[];
}

/** GET /access/matrix (format=json): every role against every permission. */
export class MatrixDto {
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true, description: 'Every permission, in catalogue order (the columns)' }) permissions: string[];
  @ApiProperty({ enum: ROLES, isArray: true, description: 'Every role (the rows)' }) roles: string[];
  @ApiProperty({
    type: 'object',
    description: 'matrix[role][permission]: true when the role holds the permission',
    additionalProperties: { type: 'object', additionalProperties: { type: 'boolean' } },
    example: { nurse: { 'clinical:read': true, 'audit:read': false } },
  })
  matrix: Record<string, Record<string, boolean>>;
}

export class SetPermissionsDto {
  @ApiProperty({ type: [String], enum: ALL_PERMISSIONS, example: ['patient:search', 'demographics:read'] })
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsIn(ALL_PERMISSIONS, { each: true, message: 'each value in permissions must be a known permission (see GET /access/roles)' })
  permissions: Permission[];
}

export class MatrixQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class ExplainQueryDto {
  @ApiProperty({ enum: ALL_PERMISSIONS, example: 'clinical:read' })
  @IsString()
  @IsIn(ALL_PERMISSIONS, { message: 'permission must be a known permission (see GET /access/roles)' })
  permission: Permission;

  @ApiPropertyOptional({ example: 1, description: 'The patient the question is about' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'patientId must be a positive integer' })
  @Min(1)
  @Max(2147483647)
  patientId?: number;
}

export class DecisionDto {
  @ApiProperty({ enum: ['allow', 'deny'] }) decision: 'allow' | 'deny';
  @ApiProperty() permission: string;
  @ApiProperty() role: string;
  @ApiProperty({ type: [String], description: 'The reasons the real check uses, in order' }) reasons: string[];
  @ApiProperty({ description: 'The access would ride on a break-the-glass grant' }) breakGlass: boolean;
  @ApiPropertyOptional({ description: 'The break-the-glass grant the access would ride on, when it does' }) breakGlassGrantId?: number;
  @ApiPropertyOptional({ description: 'The open release-of-information request whose scope would allow it (ROI specialists)' }) roiRequestId?: number;
}

export class IdParam {
  @ApiProperty()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  id: number;
}
