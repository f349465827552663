import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';

export const REVIEW_OUTCOMES = ['justified', 'violation'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** Surrounding blanks do not count towards a minimum length: "          " is not a reason. */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateBreakGlassDto {
  @ApiProperty({ example: 4, description: 'The patient whose chart the caller must open outside their care relation' })
  @IsInt({ message: 'patientId must be a positive integer' })
  @Min(1, { message: 'patientId must be a positive integer' })
  @Max(2147483647, { message: 'patientId must be a positive integer' })
  patientId: number;

  @ApiProperty({
    example: 'Unresponsive patient in the ED, attending unreachable; need medication history',
    minLength: 10,
    maxLength: 1000,
    description: 'Why the emergency access is needed (at least 10 characters, blanks at either end not counted). A privacy officer reviews it.',
  })
  @Transform(trim)
  @IsString()
  @Length(10, 1000, { message: 'reason must be between 10 and 1000 characters (say why the emergency access is needed)' })
  reason: string;
}

export class BreakGlassGrantDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty() userId: number;
  @ApiProperty() reason: string;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z' }) grantedAt: string;
  @ApiProperty({ example: '2026-11-29T15:00:00.000Z', description: 'grantedAt + BREAK_GLASS_MINUTES; the grant opens nothing after it' }) expiresAt: string;
}

export class BreakGlassListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'false: the review queue (oldest first); true: reviewed grants (latest review first); omitted: both' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'reviewed must be true or false' })
  reviewed?: boolean;
}

export class ReviewBreakGlassDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES, description: 'justified: a real emergency; violation: an access without need (a possible breach to assess under 45 CFR 164.402)' })
  @IsIn(REVIEW_OUTCOMES, { message: `outcome must be one of ${REVIEW_OUTCOMES.join(', ')}` })
  outcome: ReviewOutcome;

  @ApiProperty({ example: 'Confirmed with the ED charge nurse: patient arrived unresponsive.', minLength: 1, maxLength: 2000 })
  @Transform(trim)
  @IsString()
  @Length(1, 2000, { message: 'note must be between 1 and 2000 characters' })
  note: string;
}

export class BreakGlassUserDto {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty() role: string;
}

export class BreakGlassReviewItemDto {
  @ApiProperty() id: number;
  @ApiProperty({ type: BreakGlassUserDto, description: 'Who broke the glass' }) user: BreakGlassUserDto;
  @ApiProperty() patientId: number;
  @ApiProperty() reason: string;
  @ApiProperty() grantedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ description: 'The grant has not expired yet' }) active: boolean;
  @ApiProperty({ description: 'Audit rows flagged break-glass for this user and patient while the grant lasted (the grant itself not counted)' }) accessCount: number;
  @ApiProperty({ type: String, nullable: true }) reviewedAt: string | null;
  @ApiProperty({ type: BreakGlassUserDto, nullable: true, description: 'The reviewer' }) reviewedBy: BreakGlassUserDto | null;
  @ApiProperty({ enum: REVIEW_OUTCOMES, nullable: true }) outcome: ReviewOutcome | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

export class BreakGlassReviewPageDto {
  @ApiProperty({ type: [BreakGlassReviewItemDto] }) items: BreakGlassReviewItemDto[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}
