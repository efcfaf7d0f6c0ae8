import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProgrammeEntity } from './programme.entity';
import { ProgrammesResolver } from './programmes.resolver';
import { ProgrammesService } from './programmes.service';

@Module({ imports: [TypeOrmModule.forFeature([ProgrammeEntity])], providers: [ProgrammesService, ProgrammesResolver], exports: [ProgrammesService] })
export class ProgrammesModule {}
