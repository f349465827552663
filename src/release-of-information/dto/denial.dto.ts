import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { REVIEW_DECISIONS } from '../access-denial';
import { ALL_DENIAL_CODES } from '../denial-grounds';
import { RECORD_TYPES } from '../roi-scope';

/** Denials of access (45 CFR 164.524): the denied part, the written notice, the review (requests and answers). */

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const MAX_ID = 2147483647;

export class DeniedItemDto {
  @ApiProperty({ enum: RECORD_TYPES })
  @IsIn(RECORD_TYPES, { message: `recordType must be one of ${RECORD_TYPES.join(', ')}` })
  recordType: (typeof RECORD_TYPES)[number];

  @ApiProperty({ description: 'The item\'s id (as GET /roi/requests/:id/records shows it)' })
  @IsInt({ message: 'id must be a positive integer' }) @Min(1, { message: 'id must be a positive integer' }) @Max(MAX_ID)
  id: number;
}

/** POST /roi/requests/:id/denial-review: the individual asks for the review of a reviewable denial (164.524(a)(4)). */
export class RequestDenialReviewDto {
  @ApiPropertyOptional({ description: 'What the individual wants reviewed (kept in the history)', maxLength: 2000 })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 2000)
  note?: string;

  @ApiPropertyOptional({ description: 'ROI staff only: the designated reviewing official, a licensed health care professional who did not take part in the denial (164.524(d)(4))' })
  @IsOptional() @IsInt({ message: 'reviewerId must be a user id' }) @Min(1, { message: 'reviewerId must be a user id' }) @Max(MAX_ID)
  reviewerId?: number;

  @ApiProperty({ description: 'The version you read' })
  @IsInt() @Min(1) @Max(MAX_ID)
  version: number;
}

/** POST /roi/requests/:id/denial-review/decision: the reviewing official's determination (164.524(d)(4)). */
export class DenialReviewDecisionDto {
  @ApiProperty({ enum: REVIEW_DECISIONS, description: 'upheld: the denial stands; reversed: the information is released' })
  @IsIn(REVIEW_DECISIONS, { message: `decision must be one of ${REVIEW_DECISIONS.join(', ')}` })
  decision: (typeof REVIEW_DECISIONS)[number];

  @ApiProperty({ description: 'The reviewing official\'s reasons, in writing', minLength: 1, maxLength: 2000 })
  @Transform(trim) @IsString() @Length(1, 2000)
  reason: string;

  @ApiProperty({ description: 'The version you read' })
  @IsInt() @Min(1) @Max(MAX_ID)
  version: number;
}

export class RoiDenialNoticeDto {
  @ApiProperty({ description: 'The ground, its citation and the written reason' }) basis: string;
  @ApiProperty({ nullable: true, type: String, description: 'The right to a review, or that there is none (null for a third party\'s request)' }) review: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'How to complain (null for a third party\'s request)' }) complaint: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A partial denial: access to the rest is given (164.524(d)(1))' }) access: string | null;
}

export class DeniedPartDto {
  @ApiProperty({ enum: RECORD_TYPES, isArray: true }) sections: string[];
  @ApiProperty({ type: [DeniedItemDto] }) items: DeniedItemDto[];
}

export class DenialReviewDto {
  @ApiProperty() requestedAt: string;
  @ApiProperty({ description: 'Who asked (the patient, or ROI staff for them)' }) requestedBy: number;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The reviewing official (a licensed professional who did not take part, 164.524(a)(4))' }) reviewerId: number | null;
  @ApiProperty({ nullable: true, enum: REVIEW_DECISIONS }) decision: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The written notice of the determination (164.524(d)(4))' }) notice: string | null;
}

export class DenialDto {
  @ApiProperty({ enum: ALL_DENIAL_CODES }) code: string;
  @ApiProperty({ nullable: true, type: Number, description: '164.524(a)(3): the licensed health care professional who determined a reviewable denial' }) determinedBy: number | null;
  @ApiProperty({ description: 'Only part of the information is denied (deny-in-part); the rest is released (164.524(d)(1))' }) partial: boolean;
  @ApiProperty({ nullable: true, type: DeniedPartDto, description: 'The part denied (partial denials)' }) deniedPart: DeniedPartDto | null;
  @ApiProperty({ nullable: true, type: DenialReviewDto, description: 'The review of 164.524(a)(4), once asked for' }) review: DenialReviewDto | null;
  @ApiProperty({ nullable: true, type: Boolean, description: '164.524(a): reviewable or not (null for a third party\'s request)' }) reviewable: boolean | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ type: RoiDenialNoticeDto, description: 'The written denial (164.524(d)(2) for the patient\'s own request)' }) notice: RoiDenialNoticeDto;
}


/** Where a copy or a notice goes (45 CFR 164.522(b): the individual's alternative means or location). */
export class DeliveryDto {
  @ApiProperty() to: string;
  @ApiProperty({ enum: ['mail', 'email', 'phone', 'electronic', 'paper'] }) channel: string;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ description: 'Sent by the alternative means or location the individual asked for' }) confidentialCommunication: boolean;
  @ApiProperty({ nullable: true, type: String }) citation: string | null;
}

/** What the history of a request records about denials and their review (RoiHistoryDetailsDto extends it). */
export class DenialHistoryDetailsDto {
  @ApiPropertyOptional({ description: 'deny, deny-in-part: the licensed professional who determined a reviewable ground (164.524(a)(3))' }) determinedBy?: number;
  @ApiPropertyOptional({ type: Object, description: 'deny-in-part: the part denied, { sections, items } (164.524(d)(1))' }) deniedPart?: object;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'request-denial-review: the designated reviewing official' }) reviewerId?: number | null;
  @ApiPropertyOptional({ enum: ['upheld', 'reversed'], description: 'denial-review-decision: the reviewer\'s determination' }) decision?: string;
  @ApiPropertyOptional({ description: 'denial-review-decision: the written notice of the determination (164.524(d)(4))' }) notice?: string;
}
