import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from './clock';

@Global()
@Module({ providers: [Clock, AppConfig], exports: [Clock, AppConfig] })
export class CommonModule {}
