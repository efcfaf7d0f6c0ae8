import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ProgrammeEntity } from '../data/entities/programme.entity';
import { ReferenceModule } from '../reference/reference.module';
import { ProgrammesService } from './programmes.service';

@Module({ imports: [TypeOrmModule.forFeature([ProgrammeEntity]), AuditModule, ReferenceModule], providers: [ProgrammesService], exports: [ProgrammesService] })
export class ProgrammesModule {}
