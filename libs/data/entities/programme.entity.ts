import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MilestonePlanStep, ProgrammeRules, ProgrammeWording, ReminderLadder } from '../../domain/programme';

@Entity('programme')
export class ProgrammeEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') key: string;
  @Column('text') name: string;
  @Column('text') regulation: string;
  @Column('timestamptz') announced: Date;
  @Column('timestamptz', { nullable: true }) published: Date | null;
  @Column('timestamptz') newBusinessCutoff: Date;
  @Column('timestamptz') updatesCutoff: Date;
  @Column('jsonb') milestonePlan: MilestonePlanStep[];
  @Column('jsonb') reminderLadder: ReminderLadder;
  @Column('int') staleReportDays: number;
  @Column('jsonb') rules: ProgrammeRules;
  @Column('jsonb') wording: ProgrammeWording;
  @Column('int') version: number;
  @Column('timestamptz') updatedAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
