import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../common/id.pipe';
import { PageDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { Authorize } from './decorators';
import { CreateUserDto, UpdateUserDto, UserDto, UserListQueryDto } from './dto/users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Authorize('user:manage')
  @Get()
  @ApiOperation({ summary: 'List accounts' })
  @ApiOkResponse({ type: PageDto(UserDto) })
  list(@Query() q: UserListQueryDto) {
    return this.users.list(q);
  }

  @Authorize('user:manage')
  @Post()
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: UserDto })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateUserDto) {
    return this.users.create(ctx, dto);
  }

  @Authorize('user:manage')
  @Patch(':id')
  @ApiOperation({ summary: 'Disable, rename, change role or reset password (not your own role); audited' })
  @ApiOkResponse({ type: UserDto })
  update(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Body() dto: UpdateUserDto) {
    return this.users.update(ctx, id, dto);
  }
}
