import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('timestamptz') occurredAt: Date;
  @Column('text') actor: string;
  @Column('text') actorRole: string;
  @Column('uuid', { nullable: true }) organisationId: string | null;
  @Column('text') entityType: string;
  @Column('text') entityId: string;
  @Column('text') action: string;
  @Column('jsonb', { nullable: true }) before: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) after: Record<string, unknown> | null;
  @Column('uuid', { nullable: true }) importId: string | null;
  @Column('text', { nullable: true }) requestId: string | null;
}
