import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/decorators';
import { EnumPipe } from '../common/id.pipe';
import { Ctx, RequestContext } from '../common/request-context';
import { DemoService, SCENARIO_NAMES } from './demo.service';
import { ResetDemoDto, ResetResultDto, SCENARIO_DETAILS_MODELS, ScenarioResultDto, ScenarioSummaryDto } from './dto/demo.dto';

/** The instructor's classroom controls (docs/instructor-guide.md walks through them). */
@ApiTags('demo')
@ApiExtraModels(...SCENARIO_DETAILS_MODELS)
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  @Authorize('demo:reset')
  @Post('reset')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Back to the seed: drop all data (audit trail included) and seed the demo again; the new chain starts with this reset',
    description: 'Body (optional): {"patients": 200}. Everyone\'s tokens stay valid (same users, same ids). Takes a few seconds.',
  })
  @ApiOkResponse({ type: ResetResultDto })
  reset(@Ctx() ctx: RequestContext, @Body() dto: ResetDemoDto) {
    return this.demo.reset(ctx, dto.patients);
  }

  @Authorize('demo:reset')
  @Get('scenarios')
  @ApiOperation({ summary: 'The classroom scenarios that POST /demo/scenarios/:name plants' })
  @ApiOkResponse({ type: [ScenarioSummaryDto] })
  scenarios() {
    return this.demo.list();
  }

  @Authorize('demo:reset')
  @Post('scenarios/:name')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Plant a classroom scenario: snooping, break-glass, or tamper (prints SQL, changes nothing)',
    description: 'Answers the story, the planted sequence numbers and what to look for. The trail records who planted it (action scenario).',
  })
  @ApiOkResponse({ type: ScenarioResultDto })
  run(@Ctx() ctx: RequestContext, @Param('name', new EnumPipe(SCENARIO_NAMES)) name: string) {
    return this.demo.runScenario(ctx, name);
  }
}
