import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from './clock';
import { SharedClock } from './shared-clock';

/** The shared simulated clock (shared-clock.ts) as a Nest provider, started and stopped with the module. */
@Injectable()
export class ClockSync extends SharedClock implements OnModuleInit, OnModuleDestroy {
  constructor(clock: Clock, dataSource: DataSource) {
    super(clock, dataSource);
  }

  onModuleInit() {
    return this.start();
  }

  onModuleDestroy() {
    this.stop();
  }
}
