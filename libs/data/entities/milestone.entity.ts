import type { TrackValue } from '@libs/domain/vocabulary';
import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { MilestoneState } from '@libs/domain/status/derive-status';

export type Track = TrackValue;

@Entity('milestone')
export class MilestoneEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organisationId: string;
  @Column('uuid') programmeId: string;
  @Column('text') key: string;
  @Column('text') track: Track;
  @Column('text') name: string;
  @Column('smallint') position: number;
  @Column('timestamptz') originalTargetAt: Date;
  @Column('timestamptz') targetAt: Date;
  @Column('text') state: MilestoneState;
  @Column('text', { nullable: true }) blockedReason: string | null;
  @Column('text', { nullable: true }) evidence: string | null;
  @Column('text', { nullable: true }) reportedBy: string | null;
  @Column('timestamptz', { nullable: true }) reportedAt: Date | null;
  @Column('text', { nullable: true }) verifiedBy: string | null;
  @Column('timestamptz', { nullable: true }) verifiedAt: Date | null;
  /** The granted extension in force and what it changes (libs/domain/extension-rules.ts); all null when never extended. */
  @Column('uuid', { nullable: true }) extensionId: string | null;
  @Column('timestamptz', { nullable: true }) extensionExpiresAt: Date | null;
  @Column('timestamptz', { nullable: true }) extensionLapsesTo: Date | null;
  @Column('timestamptz', { nullable: true }) extensionReportedAt: Date | null;
  /** OT only: the deployment (footprint row) whose maintenance window this milestone targets; its target is the window's end. */
  @Column('uuid', { nullable: true }) maintenanceWindowFootprintId: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @VersionColumn() version: number;
}
