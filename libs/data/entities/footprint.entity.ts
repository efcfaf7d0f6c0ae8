import type { EnvironmentValue, UpdateChannelValue, WhiteLabelConfidenceValue } from '@libs/domain/vocabulary';
import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

export type Environment = EnvironmentValue;
export type UpdateChannel = UpdateChannelValue;
export type WhiteLabelConfidence = WhiteLabelConfidenceValue;

@Entity('footprint')
export class FootprintEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organisationId: string;
  @Column('uuid') programmeId: string;
  @Column('text') productCode: string;
  @Column('text', { nullable: true }) productName: string | null;
  @Column('text', { nullable: true }) vendor: string | null;
  @Column('text', { nullable: true }) whiteLabelConfidence: WhiteLabelConfidence | null;
  @Column('text') environment: Environment;
  @Column('int') endpointCount: number;
  @Column('int') endpointsRemaining: number;
  @Column('text') updateChannel: UpdateChannel;
  @Column('date', { nullable: true }) licenceEnd: string | null;
  @Column('text', { nullable: true }) replacementProduct: string | null;
  @Column('boolean', { nullable: true }) replacementChosenByOrganisation: boolean | null;
  /** What a liaison verified remains (the reported count is endpointsRemaining), who verified it and when. */
  @Column('int', { nullable: true }) verifiedRemaining: number | null;
  @Column('text', { nullable: true }) verifiedBy: string | null;
  @Column('timestamptz', { nullable: true }) verifiedAt: Date | null;
  /** OT only (migration 0046): the deployment's next maintenance window, and whether its replacement is certified by the equipment vendor. */
  @Column('timestamptz', { nullable: true }) maintenanceWindowStartsAt: Date | null;
  @Column('timestamptz', { nullable: true }) maintenanceWindowEndsAt: Date | null;
  @Column('text', { nullable: true }) maintenanceWindowName: string | null;
  @Column('boolean', { nullable: true }) replacementVendorCertified: boolean | null;
  @Column('text', { nullable: true }) replacementCertificationRef: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @VersionColumn() version: number;
}
