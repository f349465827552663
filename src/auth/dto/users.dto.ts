import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { HumanText } from '../../common/validators';
import { ROLES, RoleName } from '../../access/catalogue';
import { PageQueryDto } from '../../common/pagination';

const USERNAME = /^[a-z][a-z0-9._-]{2,49}$/;

export class CreateUserDto {
  @ApiProperty({ example: 'nurse.rivera', pattern: USERNAME.source })
  @IsString()
  @Matches(USERNAME, { message: 'username must be 3-50 lower-case letters, digits, dots, dashes or underscores' })
  username: string;

  @ApiProperty({ example: 'Ana Rivera, RN' })
  @IsString()
  @Length(1, 100)
  @HumanText()
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: RoleName;

  @ApiProperty({ minLength: 12, maxLength: 200, format: 'password' })
  @IsString()
  @Length(12, 200, { message: 'password must be 12 to 200 characters' })
  password: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  department?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @HumanText()
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: RoleName;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ minLength: 12, format: 'password', description: 'Reset the password' })
  @IsOptional()
  @IsString()
  @Length(12, 200, { message: 'password must be 12 to 200 characters' })
  password?: string;

  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  version: number;
}

export class UserDto {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ nullable: true, type: String }) department: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class UserListQueryDto extends PageQueryDto {}
