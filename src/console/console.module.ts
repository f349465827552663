import { Module } from '@nestjs/common';
import { ConsoleAssets } from './console-assets';
import { ConsoleController } from './console.controller';

/** The classroom console at /console: hand-written static files served by this process (see console-assets.ts). */
@Module({ controllers: [ConsoleController], providers: [ConsoleAssets], exports: [ConsoleAssets] })
export class ConsoleModule {}
