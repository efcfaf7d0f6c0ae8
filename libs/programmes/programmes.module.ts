import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProgrammeEntity } from '../data/entities/programme.entity';
import { ProgrammesService } from './programmes.service';

@Module({ imports: [TypeOrmModule.forFeature([ProgrammeEntity])], providers: [ProgrammesService], exports: [ProgrammesService] })
export class ProgrammesModule {}
