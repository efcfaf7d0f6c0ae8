import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@libs/audit/audit.module';
import { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { ReferenceModule } from '@libs/reference/reference.module';
import { ProgrammesService } from './programmes.service';

@Module({ imports: [TypeOrmModule.forFeature([ProgrammeEntity]), AuditModule, ReferenceModule], providers: [ProgrammesService], exports: [ProgrammesService] })
export class ProgrammesModule {}
