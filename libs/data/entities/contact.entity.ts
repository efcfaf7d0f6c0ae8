import type { ContactRoleValue } from '@libs/domain/vocabulary';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ContactRole = ContactRoleValue;

@Entity('contact')
export class ContactEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organisationId: string;
  @Column('text') role: ContactRole;
  @Column('text') name: string;
  @Column('text') email: string;
  @Column('text') timeZone: string;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
