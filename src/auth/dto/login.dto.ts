import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { HumanText } from '../../common/validators';

export class LoginDto {
  @ApiProperty({ example: 'nurse.patel', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @HumanText()
  username: string;

  @ApiProperty({ example: 'hit-demo-2026', maxLength: 200, format: 'password' })
  @IsString()
  @Length(1, 200)
  password: string;
}

export class UserSummaryDto {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty() role: string;
}

export class LoginResponseDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ type: UserSummaryDto }) user: UserSummaryDto;
}

export class MeResponseDto {
  @ApiProperty({ type: UserSummaryDto }) user: UserSummaryDto;
  @ApiProperty() role: string;
  @ApiProperty({ type: [String] }) permissions: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'The patient record this user is, if any' }) patientId: number | null;
}
