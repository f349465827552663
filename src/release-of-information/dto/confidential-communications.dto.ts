import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { COMMUNICATION_CHANNELS } from '../confidential-communications';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** PUT /me/confidential-communications, PUT /patients/:id/confidential-communications (45 CFR 164.522(b)). */
export class ConfidentialCommunicationDto {
  @ApiProperty({ enum: COMMUNICATION_CHANNELS, description: 'mail (a postal address), email, phone' })
  @IsIn(COMMUNICATION_CHANNELS, { message: `channel must be one of ${COMMUNICATION_CHANNELS.join(', ')}` })
  channel: (typeof COMMUNICATION_CHANNELS)[number];

  @ApiProperty({ example: 'PO Box 4411, Springfield 62704', description: 'The alternative location or number, fitting the channel' })
  @Transform(trim) @IsString() @Length(1, 500)
  address: string;

  @ApiPropertyOptional({ description: 'Optional: handling instructions. No explanation is asked for: a provider may not require one (164.522(b)(2)(ii))', maxLength: 500 })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 500)
  note?: string;
}

export class ConfidentialCommunicationViewDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ enum: COMMUNICATION_CHANNELS }) channel: string;
  @ApiProperty() address: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ enum: ['patient', 'staff'], description: 'Asked by the patient, or by staff for the patient' }) requestedBy: string;
  @ApiProperty() recordedBy: number;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'When it stopped applying (replaced or withdrawn)' }) endedAt: string | null;
}

export class ConfidentialCommunicationsDto {
  @ApiProperty({ nullable: true, type: ConfidentialCommunicationViewDto, description: 'The one in force, used by packages and notices' }) current: ConfidentialCommunicationViewDto | null;
  @ApiProperty({ type: [ConfidentialCommunicationViewDto], description: 'Every request, newest first' }) history: ConfidentialCommunicationViewDto[];
  @ApiProperty() citation: string;
}
