import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination';
import { DEFICIENCY_STATUSES, DEFICIENCY_TYPES } from './deficiency-rules';

export class DeficiencyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'A physician\'s user id or username (HIM list only)', example: 'dr.chen' })
  @IsOptional() @IsString() @Length(1, 100) physician?: string;
  @ApiPropertyOptional({ enum: DEFICIENCY_STATUSES }) @IsOptional() @IsIn(DEFICIENCY_STATUSES) status?: (typeof DEFICIENCY_STATUSES)[number];
  @ApiPropertyOptional({ enum: DEFICIENCY_TYPES }) @IsOptional() @IsIn(DEFICIENCY_TYPES) type?: (typeof DEFICIENCY_TYPES)[number];
}

export class DeficiencyDto {
  @ApiProperty() encounterId: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ enum: DEFICIENCY_TYPES }) type: string;
  @ApiProperty({ nullable: true, enum: ['notes', 'queries'], type: String, description: 'What to complete; null for a missing document' }) itemType: string | null;
  @ApiProperty({ nullable: true, type: Number }) itemId: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Who must complete it' }) responsibleUserId: number | null;
  @ApiProperty({ nullable: true, type: String }) responsibleName: string | null;
  @ApiProperty() dischargedAt: string;
  @ApiProperty({ description: 'dischargedAt + DEFICIENCY_DELINQUENT_DAYS' }) delinquentAt: string;
  @ApiProperty() daysSinceDischarge: number;
  @ApiProperty({ enum: DEFICIENCY_STATUSES }) status: string;
  @ApiProperty({ example: '42 CFR 482.24(c)(4)(viii); TJC RC.01.03.01' }) citation: string;
}

export class PhysicianDeficiencyCountDto {
  @ApiProperty({ nullable: true, type: Number }) physicianId: number | null;
  @ApiProperty({ nullable: true, type: String }) physicianName: string | null;
  @ApiProperty() deficient: number;
  @ApiProperty() delinquent: number;
}

export class DeficiencyListDto extends PageDto(DeficiencyDto) {
  @ApiProperty({ type: [PhysicianDeficiencyCountDto], description: 'Counts per responsible person over the whole filtered list' }) byPhysician: PhysicianDeficiencyCountDto[];
  @ApiProperty() delinquentAfterDays: number;
}
