import type { ExtensionState } from '@libs/domain/vocabulary';
import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

export type { ExtensionState };

@Entity('extension')
export class ExtensionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organisationId: string;
  @Column('uuid') milestoneId: string;
  @Column('text') justification: string;
  @Column('timestamptz') requestedTargetAt: Date;
  @Column('text') state: ExtensionState;
  @Column('text') requestedBy: string;
  @Column('timestamptz') requestedAt: Date;
  @Column('text', { nullable: true }) decidedBy: string | null;
  @Column('timestamptz', { nullable: true }) decidedAt: Date | null;
  @Column('text', { nullable: true }) decisionNote: string | null;
  @Column('timestamptz', { nullable: true }) grantedTargetAt: Date | null;
  @Column('timestamptz', { nullable: true }) expiresAt: Date | null;
  /** The milestone's target when this was granted: what it extended. */
  @Column('timestamptz', { nullable: true }) previousTargetAt: Date | null;
  @Column('timestamptz', { nullable: true }) statusReportedAt: Date | null;
  @Column('text', { nullable: true }) statusReportedBy: string | null;
  @Column('text', { nullable: true }) statusReport: string | null;
  /** The maintenance window the request waits for (an OT deployment's), as it was when cited. */
  @Column('uuid', { nullable: true }) maintenanceWindowFootprintId: string | null;
  @Column('timestamptz', { nullable: true }) windowStartsAt: Date | null;
  @Column('timestamptz', { nullable: true }) windowEndsAt: Date | null;
  @Column('text', { nullable: true }) windowName: string | null;
  @VersionColumn() version: number;
}
