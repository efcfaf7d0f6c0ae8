import { Args, Field, GraphQLISODateTime, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '@libs/access/access.decorators';
import { AppError } from '@libs/core/errors/app-error';
import type { Actor } from '@libs/domain/actor';
import { LinksService } from '@libs/links/links.service';
import { CurrentActor } from '../context';
import { CallerKind, ContactRole, CredentialRole } from '../enums';

@ObjectType('MeOrganisation', { description: 'The organisation a reporter or a link acts for' })
class MeOrganisationModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field({ description: 'Its name' }) name: string;
  @Field({ description: "The key it has in the sector's own records" }) externalKey: string;
}

@ObjectType('MeContact', { description: 'The contact a link was made for' })
class MeContactModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field({ description: 'Full name' }) name: string;
  @Field({ description: 'E-mail address' }) email: string;
  @Field(() => ContactRole, { description: 'Its role at the organisation' }) role: string;
}

@ObjectType('MeProgramme', { description: 'The programme a link was made for (else the default one)' })
class MeProgrammeModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field({ description: 'Its short key' }) key: string;
  @Field({ description: 'Its name' }) name: string;
  @Field(() => GraphQLISODateTime, { description: 'Its updates cutoff' }) updatesCutoff: Date;
}

@ObjectType('Me', { description: 'Who is calling: a credential (bearer token) or a session opened by a link in a message' })
class MeModel {
  @Field(() => ID, { description: "The id the audit records: a credential's id, or link:<contact id>" }) id: string;
  @Field(() => CallerKind, { description: "A credential (bearer token) or a link's session" }) kind: string;
  @Field(() => CredentialRole, { description: 'What it may do (a link acts as a reporter of its organisation)' }) role: string;
  @Field({ description: "The credential's label, or the contact's name for a link" }) label: string;
  @Field(() => [String], { description: "A liaison's sectors" }) sectors: string[];
  @Field(() => MeOrganisationModel, { nullable: true, description: "A reporter's (or a link's) one organisation" }) organisation: MeOrganisationModel | null;
  @Field(() => MeContactModel, { nullable: true, description: 'The contact a link was made for; null for a credential' }) contact: MeContactModel | null;
  @Field(() => MeProgrammeModel, { description: "A link's programme; else the default programme" }) programme: MeProgrammeModel;
}

@ObjectType('ContactLinkSent', { description: 'A link message queued (or not) for one contact' })
class ContactLinkSentModel {
  @Field(() => ID, { description: 'The contact' }) contactId: string;
  @Field({ description: "The contact's name" }) name: string;
  @Field({ description: "The contact's own address, where the link goes" }) sentTo: string;
  @Field({ description: "False when a link message went to this contact in the last few minutes, or the day's were used: nothing more is sent" })
  queued: boolean;
}

@ObjectType('ContactLinksRotated', { description: "A contact's links after a rotation" })
class ContactLinksRotatedModel {
  @Field(() => ID, { description: 'The contact' }) contactId: string;
  @Field(() => Int, { description: 'Links made before this generation no longer open' }) linkGeneration: number;
}

const PROGRAMME_ARG = { type: () => String, nullable: true, description: 'The programme (id or key); the default programme when omitted' } as const;

@Resolver()
export class LinksResolver {
  constructor(private readonly links: LinksService) {}

  @Allow('admin', 'liaison', 'reporter', 'viewer')
  @Query(() => MeModel, { description: 'Who is calling, which organisation and which programme' })
  me(@CurrentActor() actor: Actor): Promise<MeModel> {
    return this.links.me(actor);
  }

  @Allow('admin', 'liaison')
  @Mutation(() => [ContactLinkSentModel], {
    description: "E-mails each contact of an organisation in your scope its own link to the organisation's report page",
  })
  inviteContacts(
    @CurrentActor() actor: Actor,
    @Args('organisationId', { type: () => ID }) organisationId: string,
    @Args('programme', PROGRAMME_ARG) programme?: string,
  ) {
    return this.links.invite(actor, { organisationId: uuidOrNotFound('Organisation', organisationId) }, programme);
  }

  @Allow('admin', 'liaison')
  @Mutation(() => ContactLinkSentModel, { description: 'E-mails one contact a fresh link (resend)' })
  async sendContactLink(
    @CurrentActor() actor: Actor,
    @Args('contactId', { type: () => ID }) contactId: string,
    @Args('programme', PROGRAMME_ARG) programme?: string,
  ) {
    const [sent] = await this.links.invite(actor, { contactIds: [uuidOrNotFound('Contact', contactId)] }, programme);
    return sent;
  }

  @Allow('admin', 'liaison')
  @Mutation(() => ContactLinksRotatedModel, {
    description: 'Stops every link and session of a contact at once (a leaked or forwarded link); links sent afterwards open',
  })
  async rotateContactLinks(@CurrentActor() actor: Actor, @Args('contactId', { type: () => ID }) contactId: string): Promise<ContactLinksRotatedModel> {
    const contact = await this.links.rotate(actor, uuidOrNotFound('Contact', contactId));
    return { contactId: contact.contactId, linkGeneration: contact.generation };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An id that is no uuid names nothing: NOT_FOUND, as an id out of scope. */
function uuidOrNotFound(entity: string, id: string): string {
  if (!UUID.test(id)) throw AppError.notFound(entity, id);
  return id;
}
