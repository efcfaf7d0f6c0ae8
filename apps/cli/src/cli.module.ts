import { DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from '@libs/access/access.module';
import { CoreModule } from '@libs/core/core.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { ReferenceModule } from '@libs/reference/reference.module';
import type { Runtime } from '@libs/core/runtime/runtime';
import { StatusModule } from '@libs/status/status.module';
import { ImportsModule } from '@libs/imports/imports.module';

@Module({})
export class CliModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: CliModule, imports: [CoreModule.forRoot(runtime), AccessModule, ReferenceModule, ProgrammesModule, StatusModule, ImportsModule] };
  }
}
