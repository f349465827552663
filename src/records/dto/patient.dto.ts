import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { HumanText, IsCalendarDate } from '../../common/validators';

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
const STATE = /^[A-Z]{2}$/;
const ZIP = /^\d{5}(-\d{4})?$/;
const PHONE = /^[0-9+().\- x]{7,25}$/;

export class PatientSearchDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Family or given name prefix, an MRN, or a birth date (YYYY-MM-DD)', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'search must be at most 100 characters' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @HumanText()
  search?: string;
}

export class CreatePatientDto {
  @ApiProperty({ example: 'Maria' }) @IsString() @Length(1, 100) @HumanText() givenName: string;
  @ApiProperty({ example: 'Garcia' }) @IsString() @Length(1, 100) @HumanText() familyName: string;
  @ApiProperty({ example: '1968-04-12' }) @IsCalendarDate({ notInFuture: true }) birthDate: string;
  @ApiProperty({ enum: SEXES }) @IsIn(SEXES) sex: (typeof SEXES)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) addressLine?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) city?: string;
  @ApiPropertyOptional({ pattern: STATE.source, example: 'IL' }) @IsOptional() @Matches(STATE, { message: 'state must be a two-letter code' }) state?: string;
  @ApiPropertyOptional({ pattern: ZIP.source, example: '62704' }) @IsOptional() @Matches(ZIP, { message: 'postalCode must be a ZIP code' }) postalCode?: string;
  @ApiPropertyOptional({ pattern: PHONE.source, example: '(217) 555-0143' }) @IsOptional() @Matches(PHONE, { message: 'phone must be a phone number' }) phone?: string;
  @ApiPropertyOptional({ description: 'VIP: anyone outside the care team needs break-the-glass' }) @IsOptional() @IsBoolean() vip?: boolean;
}

export class UpdatePatientDto extends PartialType(CreatePatientDto) {
  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  version: number;
}

export class AddressDto {
  @ApiProperty({ nullable: true, type: String }) line: string | null;
  @ApiProperty({ nullable: true, type: String }) city: string | null;
  @ApiProperty({ nullable: true, type: String }) state: string | null;
  @ApiProperty({ nullable: true, type: String }) postalCode: string | null;
}

export class DemographicsDto {
  @ApiProperty() id: number;
  @ApiProperty() mrn: string;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
  @ApiProperty() birthDate: string;
  @ApiProperty({ enum: SEXES }) sex: string;
  @ApiProperty({ type: AddressDto }) address: AddressDto;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty() vip: boolean;
  @ApiProperty({ nullable: true, type: String }) deceasedAt: string | null;
  @ApiProperty() version: number;
}

/** A search hit. A VIP patient the caller has no relation to shows only as a confidential entry. */
export class PatientHitDto {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ description: 'Absent on a masked VIP entry' }) mrn?: string;
  @ApiPropertyOptional() givenName?: string;
  @ApiPropertyOptional() familyName?: string;
  @ApiPropertyOptional() birthDate?: string;
  @ApiPropertyOptional() sex?: string;
  @ApiProperty() vip: boolean;
  @ApiPropertyOptional({ description: 'Present when details are withheld' }) confidential?: string;
}

export class CreatedPatientDto extends OmitType(DemographicsDto, []) {}
