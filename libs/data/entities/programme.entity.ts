import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MilestonePlanStep, ProgrammeRules, ProgrammeWording, ReminderLadder } from '@libs/domain/programme';

@Entity('programme')
export class ProgrammeEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') key: string;
  @Column('text') name: string;
  @Column('text') regulation: string;
  /** Calendar dates (PostgreSQL date, 'YYYY-MM-DD'): a day of the regulation, not an instant. */
  @Column('date') announced: string;
  @Column('date', { nullable: true }) published: string | null;
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
