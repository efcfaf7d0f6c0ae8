import type { SizeBandValue } from '@libs/domain/vocabulary';
import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

export type SizeBand = SizeBandValue;

@Entity('organisation')
export class OrganisationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') externalKey: string;
  @Column('text') name: string;
  @Column('text') primarySectorCode: string;
  @Column('text', { array: true }) secondarySectorCodes: string[];
  @Column('char', { length: 2 }) stateCode: string;
  @Column('text') sizeBand: SizeBand;
  @Column('smallint') criticalityTier: number;
  @Column('timestamptz', { nullable: true }) archivedAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastReportedAt: Date | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @VersionColumn() version: number;
}
