import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PageQueryDto, queryInt } from '../../common/pagination';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../audit.types';

export class AuditFilterDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Transform(queryInt) @IsInt() @Min(1) @Max(2147483647) patientId?: number;
  @ApiPropertyOptional() @IsOptional() @Transform(queryInt) @IsInt() @Min(1) @Max(2147483647) actorId?: number;
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS }) @IsOptional() @IsIn(AUDIT_ACTIONS) action?: string;
  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES }) @IsOptional() @IsIn(AUDIT_OUTCOMES) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 40) role?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 40) resourceType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) requestId?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false']) breakGlass?: 'true' | 'false';
  @ApiPropertyOptional({ description: 'ISO-8601 time, inclusive' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'ISO-8601 time, exclusive' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'Start from the checkpoint at or before this sequence number' })
  @IsOptional()
  @Transform(queryInt)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  from?: number;
}
