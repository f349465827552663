import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth';
import { NotFound } from '../common/errors';
import { ConsoleAssets } from './console-assets';

/**
 * The classroom console (issue 14): static files only, hence @Public(). They hold no data: every datum the page
 * shows comes from the public API, called by the page with the signed-in user's bearer token, so the guard, the
 * access policy and the audit trail see exactly what they see for curl.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(private readonly assets: ConsoleAssets) {}

  @Public()
  @Get()
  index(@Req() req: Request, @Res() res: Response): void {
    this.send('index.html', req, res);
  }

  /** Express 5 hands a wildcard over as its path segments. */
  @Public()
  @Get('*path')
  file(@Param('path') path: string | string[], @Req() req: Request, @Res() res: Response): void {
    this.send(Array.isArray(path) ? path.join('/') : path, req, res);
  }

  private send(path: string, req: Request, res: Response): void {
    const asset = this.assets.get(path);
    if (!asset) throw new NotFound(`Console file ${path}`);
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Vary', 'Accept-Encoding');
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.end(gzip ? asset.gzip : asset.body);
  }
}
