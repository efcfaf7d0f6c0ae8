import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MilestonePlanStep, ReminderLadder } from '../../domain/programme';

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
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
