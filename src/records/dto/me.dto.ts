import { ApiProperty } from '@nestjs/swagger';
import { ActingForDto, ApiActingFor } from '../../access/dto/representative.dto';
import { PageDto } from '../../common/pagination';

/* GET /me/access-log: who opened the patient's record (the trail's rows about it, the patient's own left out). */

export class AccessLogActorDto {
  @ApiProperty({ nullable: true, type: Number }) userId: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Display name, or the username when the account is gone' }) name: string | null;
  @ApiProperty({ nullable: true, type: String }) role: string | null;
}

export class AccessLogTargetDto {
  @ApiProperty({ nullable: true, type: String, example: 'record' }) resourceType: string | null;
  @ApiProperty({ nullable: true, type: String }) resourceId: string | null;
}

export class AccessLogEntryDto {
  @ApiProperty({ description: 'Sequence number of the audit row' }) seq: number;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z' }) at: string;
  @ApiProperty({ type: AccessLogActorDto }) who: AccessLogActorDto;
  @ApiProperty({ example: 'read' }) action: string;
  @ApiProperty({ type: AccessLogTargetDto }) what: AccessLogTargetDto;
  @ApiProperty({ enum: ['success', 'denied', 'error'] }) outcome: string;
  @ApiProperty({ nullable: true, type: String, example: 'TREAT' }) purposeOfUse: string | null;
  @ApiProperty() breakGlass: boolean;
}

/** GET /me/access-log and /me/represented/:patientId/access-log: a page, with actingFor for a representative. */
export class MyAccessLogDto extends PageDto(AccessLogEntryDto) {
  @ApiActingFor() actingFor?: ActingForDto;
}
